import Core
import Foundation
import Gateway
import Identity
import MockUpstream
import NIOCore
import NIOPosix

/// `portcullis-pipeline-bench`: the cost of each pipeline step, in process, on the benchmark's 2 KB chat
/// body, for the gateway profiles of `bench/gateway/*.yaml` (mock upstream in process, ES256 tokens from a
/// development issuer). Prints a Markdown table: per step p50/p99 wall time and mean CPU time; then the
/// whole pipeline sequentially and with concurrent callers (CPU per request, the in-process mock's share
/// subtracted using the forward-only run). No HTTP server side: `bench/run` measures that.
///
///     swift build -c release --product portcullis-pipeline-bench
///     .build/release/portcullis-pipeline-bench [--profile full|passthrough] [--iterations N] [--concurrency C] [--whole-only]
@main
struct PipelineBench {
    static func main() async throws {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let options = BenchOptions(CommandLine.arguments.dropFirst())
        let setup = try await BenchSetup.start(profile: options.profile)
        let table = StepTable()
        if !options.wholeOnly { try await StepRuns(setup: setup, iterations: options.iterations, table: table).run() }
        try await WholeRuns(setup: setup, iterations: options.iterations, concurrency: options.concurrency, wholeOnly: options.wholeOnly, table: table).run()
        print(table.markdown(title: "pipeline steps, profile \(options.profile), \(options.iterations) iterations, body \(BenchBody.chat.count) B"))
        await setup.stop()
    }
}

struct BenchOptions {
    var profile = "full"
    var iterations = 2000
    var concurrency = 32
    /// Only the whole-pipeline runs (e.g. under a profiler).
    var wholeOnly = false

    init(_ args: ArraySlice<String>) {
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--profile": profile = it.next() ?? profile
            case "--iterations": iterations = it.next().flatMap(Int.init) ?? iterations
            case "--concurrency": concurrency = it.next().flatMap(Int.init) ?? concurrency
            case "--whole-only": wholeOnly = true
            default: FileHandle.standardError.write(Data("unknown option \(a)\n".utf8)); exit(2)
            }
        }
    }
}

/// CPU time of this process (all threads), for CPU-per-operation figures.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
