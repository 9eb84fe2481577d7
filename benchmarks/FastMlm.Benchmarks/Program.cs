using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FastMlm.Data;

// Runs the benchmark suites: `dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- --filter '*'`.
// `-- write-data DIR` writes every simulated data set as CSV instead, so that lme4 can fit and time the same rows
// (benchmarks/lme4/time-lme4.R, tests/FastMlm.Tests/Lme4Checks/make-checks.R); `fastmlm simulate --design NAME`
// writes one set, as CSV or Parquet, with any seed.
if (args.Length == 2 && args[0] == "write-data")
{
    Directory.CreateDirectory(args[1]);
    foreach (var name in SimulatedData.Names)
    {
        File.WriteAllText(Path.Combine(args[1], name + ".csv"), SimulatedData.Csv(name), new UTF8Encoding(false));
        Console.WriteLine(Path.Combine(args[1], name + ".csv"));
    }
    return;
}
// Parameter values (model and design names) are printed whole in the summary tables, never shortened to "dyest(...)_reml".
var config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
