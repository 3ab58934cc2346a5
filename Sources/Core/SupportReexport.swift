// `JSONValue`, `JSONParser`, the canonical JSON writer, `Hex`, `BoundedLRU` and `Sharded` live in the
// `Support` target (mechanisms with no domain in them, one implementation each). They were part of Core
// before, and `JSONValue` is part of Core's own vocabulary (`AIRequest.body`), so Core re-exports Support:
// every `import Core` keeps seeing them, and a target that needs only the mechanisms imports Support alone.
@_exported import Support
