using BenchmarkDotNet.Running;
using TokenClients.Benchmarks;

if (args is ["scenarios"])
{
    await Scenarios.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(HandlerBenchmarks).Assembly).Run(args);
