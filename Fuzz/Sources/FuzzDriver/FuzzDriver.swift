#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry for programs that keep their own `main` (SwiftPM renames an executable's entry point,
/// which would otherwise collide with libFuzzer's `main`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The one input handler of this process (libFuzzer calls it from its own loop on one thread).
nonisolated(unsafe) private var handler: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with the process's arguments, feeding every input to `body`, then exits with its status.
/// Inputs passed here are libFuzzer's own exactly-sized buffers, so a read past their end is caught by ASan.
public func runFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    handler = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        handler?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    })
}
