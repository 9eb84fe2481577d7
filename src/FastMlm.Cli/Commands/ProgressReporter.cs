using System.Diagnostics;
using System.Globalization;

namespace FastMlm.Cli.Commands;

/// <summary>
/// Progress of long work on standard error: a line rewritten in place on a terminal, plain lines every few
/// seconds otherwise (logs), each with the count, the rate and the time left. Safe to call from many threads.
/// </summary>
internal sealed class ProgressReporter(TextWriter error, string what, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock _gate = new();
    private double _lastShown = double.NegativeInfinity;
    private bool _shown;

    public void Report(int done)
    {
        double t = _clock.Elapsed.TotalSeconds;
        double every = _terminal ? 0.2 : 5;
        if (t < 1 || t - _lastShown < every) return;
        lock (_gate)
        {
            if (t - _lastShown < every) return;
            _lastShown = t;
            _shown = true;
            double rate = done / t;
            double left = rate > 0 ? (total - done) / rate : double.NaN;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{what}: {done:N0}/{total:N0} ({100.0 * done / total:F0}%), {rate:N1}/s, about {left:F0} s left");
            if (_terminal) error.Write("\r" + line.PadRight(78));
            else error.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (_shown && _terminal) error.Write("\r" + new string(' ', 78) + "\r");
        if (_shown)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {total:N0} done in {_clock.Elapsed.TotalSeconds:F1} s"));
        }
    }
}
