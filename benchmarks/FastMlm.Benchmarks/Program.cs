using BenchmarkDotNet.Running;

// Runs the benchmark suites: `dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- --filter '*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
