import Foundation
import Hummingbird
import InferenceAPI
import Synchronization

/// A loopback HTTP server whose answers a test scripts: broken JSON, wrong shapes, 5xx, slow bodies — the
/// misbehaviour a client must survive or report clearly. It counts what it received.
public final class ScriptedServer: Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var headers: [String: String]
        /// Seconds to wait before answering.
        public var delay: Double

        public init(status: Int = 200, body: String, headers: [String: String] = [:], delay: Double = 0) {
            self.status = status
            self.body = body
            self.headers = headers
            self.delay = delay
        }

        public static func json(_ body: String, delay: Double = 0) -> Reply { Reply(body: body, delay: delay) }
    }

    /// Decides the reply from the method and path, the request body and how many requests came before.
    public typealias Script = @Sendable (_ route: String, _ body: String, _ index: Int) -> Reply

    public let port: Int
    private let received = RequestLog()
    private let task: Task<Void, any Error>

    public init(_ script: @escaping Script) throws {
        let router = Router()
        let received = self.received
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let route = "\(request.method.rawValue) \(request.uri.path)"
            let index = received.entries.withLock { log -> Int in
                log.append(route)
                return log.count - 1
            }
            let reply = script(route, body, index)
            if reply.delay > 0 { try await Task.sleep(for: .milliseconds(Int(reply.delay * 1000))) }
            var headers: HTTPFields = [.contentType: "application/json"]
            for (name, value) in reply.headers {
                if let field = HTTPFields.Element.Name(name) { headers[field] = value }
            }
            return Response(status: .init(code: reply.status), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        router.get("/**", use: handler)
        router.post("/**", use: handler)
        let bound = BoundPort()
        let application = Application(router: router,
                                      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in bound.set(channel.localAddress?.port ?? 0) })
        task = Task.detached { try await application.run() }
        guard let port = bound.wait(seconds: 10) else {
            task.cancel()
            throw InferenceError.backend("the scripted server did not start within 10 s")
        }
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// `METHOD /path` of every request received, in order.
    public var requests: [String] { received.entries.withLock { $0 } }

    public func count(_ route: String) -> Int { requests.filter { $0 == route }.count }

    public func stop() {
        task.cancel()
    }

    deinit {
        task.cancel()
    }
}

final class RequestLog: Sendable {
    let entries = Mutex<[String]>([])
}
