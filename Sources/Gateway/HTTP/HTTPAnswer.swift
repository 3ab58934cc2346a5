import HTTPTypes
import Hummingbird
import NIOCore

/// Turns pipeline answers into Hummingbird responses. Streams are written as the pipeline emits
/// them; a write that fails (client gone) ends the relay, which cancels the upstream call.
enum HTTPAnswer {
    static func response(_ answer: PipelineAnswer, requestID: String) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        fields[.init("x-request-id")!] = requestID
        let status = HTTPResponse.Status(code: answer.status)
        switch answer.body {
        case .bytes(let bytes):
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let run):
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                await run { bytes in try await writer.write(ByteBuffer(bytes: bytes)) }
                try await writer.finish(nil)
            })
        }
    }

    static func error(_ error: GatewayError, requestID: String) -> Response {
        let mapped = ErrorResponse(error)
        let (body, type) = ErrorResponse.body(for: error)
        return response(PipelineAnswer(status: mapped.status, headers: [("content-type", type)] + mapped.headers, body: .bytes(body)), requestID: requestID)
    }
}
