import Testing

@testable import Gateway

/// The `ConfigurationError` loading a configuration throws; nil (and a recorded issue, when `expectRefusal`) when
/// it loads, or throws anything else.
func configurationRefusal(expectRefusal: Bool = true, _ load: () throws -> GatewayConfiguration) -> ConfigurationError? {
    do {
        _ = try load()
        if expectRefusal { Issue.record("expected a refusal") }
        return nil
    } catch let e as ConfigurationError {
        return e
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
