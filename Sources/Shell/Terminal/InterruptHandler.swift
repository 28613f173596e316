@preconcurrency import Glibc
import InferenceAPI

/// Turns SIGINT (Ctrl-C while a command runs) into a cancellation the command polls.
///
/// While the line editor reads, the terminal's ISIG is off and Ctrl-C arrives as a key (it clears the line);
/// while a command runs the terminal is in cooked mode and Ctrl-C raises SIGINT, which lands here. The handler
/// only stores an atomic flag — all it may safely do in signal context.
public enum InterruptHandler {
    /// The cancellation the REPL's interpreter uses; the signal handler sets it.
    public static let cancellation = Cancellation()

    public static func install() {
        _ = cancellation  // initialise the global before a signal can need it
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in InterruptHandler.cancellation.cancel() }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
    }
}
