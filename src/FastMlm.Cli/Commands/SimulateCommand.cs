using System.CommandLine;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Reporting;

namespace FastMlm.Cli.Commands;

/// <summary>
/// <c>fastmlm simulate</c>: writes one of the simulated data sets of the tests and benchmarks as CSV or Parquet, so that
/// anyone can fit (and time) the very same rows, with FastMlm, lme4 or anything else.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var names = SimulatedData.Names.ToArray();
        var design = CommandOutput.OneOf(new Option<string>("--design")
        {
            Description = "The design: " + string.Join("; ", SimulatedData.Designs.Select(d => $"{d.Name} ({d.Description}; model {d.Formula})")) + ".",
        }, names);
        var output = new Option<string?>("--out", "-o") { Description = "FILE.csv or FILE.parquet (by its extension; written whole or not at all).", HelpName = "FILE" };
        var seed = new Option<string?>("--seed") { Description = "Seed of the generator, 0 to 4294967295 (default: the design's own, which the tests and benchmarks use).", HelpName = "S" };
        var list = new Option<bool>("--list") { Description = "List the designs with their rows, default seeds and models, and write nothing." };
        var command = new Command("simulate", "Write a simulated data set of the tests and benchmarks (deterministic: the same seed gives the same rows on every machine) as CSV or Parquet.")
        {
            design, output, seed, list,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                foreach (var d in SimulatedData.Designs)
                {
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d.Name,-24} seed {d.Seed,-10} {d.Formula}"));
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-24} {d.Description}"));
                }
                return Cli.Success;
            }
            string name = parse.GetValue(design) ?? throw new UsageException("give --design NAME (see 'fastmlm simulate --list')");
            string file = parse.GetValue(output) ?? throw new UsageException("give --out FILE.csv or FILE.parquet");
            bool parquet = DataSource.IsParquet(file);
            if (!parquet && !file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--out {file}: the file must end in .csv or .parquet, which says how to write it");
            }
            ModelInputs.CheckOutputFolder("--out", file);
            uint s = parse.GetValue(seed) is { } text
                ? uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint v) ? v : throw new UsageException($"--seed {text} is not a whole number from 0 to 4294967295")
                : SimulatedData.Design(name).Seed;
            var frame = ModelInputs.WithProgress($"simulating {name}", () => SimulatedData.Frame(name, s));
            if (parquet) AtomicFile.Write(file, temp => DataFrameWriter.WriteParquet(frame, temp));
            else AtomicFile.WriteText(file, w => DataFrameWriter.WriteCsv(frame, w));
            var shape = frame.Columns.Select(c => c is CategoricalColumn k ? $"{c.Name} ({k.LevelCount:N0} levels)" : c.Name);
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {frame.RowCount:N0} rows of {name} (seed {s}; columns {string.Join(", ", shape)}) to '{file}'"));
            return Cli.Success;
        });
        return command;
    }
}
