import Core

// `TextDetector` comes from the data guardrails (Engine/RequestVerdict.swift); the engine runs every
// text detector on every message.
extension IntentDetector: TextDetector {}
