import InMemoryTracing
import Synchronization
import Tracing

/// An in-memory tracer (swift-distributed-tracing's) that reads a W3C `traceparent` when asked to extract a
/// context, as the OTLP exporter's tracer does: the caller's trace id becomes the trace's, its parent id the
/// request span's parent. Records what it was asked to extract from.
struct RecordingTracer: Tracer {
    let memory = InMemoryTracer()
    private let carriers = Carriers()

    final class Carriers: Sendable {
        let all = Mutex<[[String: String]]>([])
        func withLock<T>(_ body: (inout [[String: String]]) -> T) -> T { all.withLock { body(&$0) } }
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> InMemorySpan {
        memory.startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    func forceFlush() {}

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Carrier == Inject.Carrier {
        memory.inject(context, into: &carrier, using: injector)
    }

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Carrier == Extract.Carrier {
        if let headers = carrier as? [String: String] { carriers.withLock { $0.append(headers) } }
        guard let parent = extractor.extract(key: "traceparent", from: carrier) else { return }
        let parts = parent.split(separator: "-")
        context.inMemorySpanContext = InMemorySpanContext(traceID: String(parts[1]), spanID: String(parts[2]), parentSpanID: nil)
    }

    var spans: [FinishedInMemorySpan] { memory.finishedSpans }
    var extractedFrom: [[String: String]] { carriers.withLock { $0 } }
}

extension FinishedInMemorySpan {
    /// Every attribute value as text (arrays joined), for "is this anywhere?" checks.
    var attributeTexts: [String] {
        var texts: [String] = []
        attributes.forEach { key, value in
            texts.append(key)
            switch value {
            case .string(let s): texts.append(s)
            case .stringArray(let a): texts += a
            default: texts.append("\(value)")
            }
        }
        return texts
    }

    func string(_ key: String) -> String? {
        if case .string(let s)? = attributes.get(key) { return s }
        return nil
    }

    func int(_ key: String) -> Int? {
        switch attributes.get(key) {
        case .int64(let v)?: Int(v)
        case .int32(let v)?: Int(v)
        default: nil
        }
    }

    func strings(_ key: String) -> [String]? {
        if case .stringArray(let a)? = attributes.get(key) { return a }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        if case .bool(let b)? = attributes.get(key) { return b }
        return nil
    }
}
