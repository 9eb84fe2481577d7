using System.Globalization;

namespace FastMlm.Reporting;

/// <summary>
/// R's rules for printing numbers, so that summaries read as lme4's do: <c>format(x, digits)</c> (a common
/// number of decimals, enough for every element to show <c>digits</c> significant digits, trailing zeros not
/// counted; fixed notation unless it is wider than scientific), <c>round</c>, <c>zapsmall</c>, type-7
/// quantiles and <c>abbreviate</c>.
/// </summary>
internal static class RFormat
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary><c>format(values, digits = digits)</c>: strings of one width, right-justified.</summary>
    public static string[] Format(ReadOnlySpan<double> values, int digits, int nsmall = 0)
    {
        if (values.IsEmpty) return [];
        int rgt = 0, left = 1, sigMax = 1;
        bool neg = false, any = false;
        int minExp = int.MaxValue, maxExp = int.MinValue;
        foreach (double x in values)
        {
            if (!double.IsFinite(x)) continue;
            any = true;
            if (x < 0) neg = true;
            var (kp, nsig) = Scientific(x, digits);
            rgt = Math.Max(rgt, Math.Max(0, nsig - kp - 1));
            left = Math.Max(left, kp >= 0 ? kp + 1 : 1);
            sigMax = Math.Max(sigMax, nsig);
            if (x != 0)
            {
                minExp = Math.Min(minExp, kp);
                maxExp = Math.Max(maxExp, kp);
            }
        }
        rgt = Math.Max(rgt, nsmall);
        var result = new string[values.Length];
        bool scientific = false;
        if (any && minExp != int.MaxValue)
        {
            int fixedWidth = (neg ? 1 : 0) + left + (rgt > 0 ? rgt + 1 : 0);
            int expDigits = Math.Max(Math.Abs(minExp), Math.Abs(maxExp)) >= 100 ? 3 : 2;
            int sciWidth = (neg ? 1 : 0) + (sigMax > 1 ? sigMax + 1 : sigMax) + 2 + expDigits;
            scientific = fixedWidth > sciWidth && nsmall == 0;
        }
        for (int i = 0; i < values.Length; i++)
        {
            double x = values[i];
            result[i] = !double.IsFinite(x) ? NonFinite(x)
                : scientific ? Sci(x, sigMax - 1)
                : x.ToString("F" + rgt.ToString(s_inv), s_inv);
            if (result[i] == "-" + 0.0.ToString("F" + rgt.ToString(s_inv), s_inv)) result[i] = result[i][1..];
        }
        int width = result.Max(s => s.Length);
        for (int i = 0; i < result.Length; i++) result[i] = result[i].PadLeft(width);
        return result;
    }

    /// <summary>One number as <c>format(x, digits)</c> would print it alone.</summary>
    public static string Format(double value, int digits) => Format([value], digits)[0];

    private static string NonFinite(double x) => double.IsNaN(x) ? "NaN" : x > 0 ? "Inf" : "-Inf";

    private static string Sci(double x, int decimals)
    {
        string s = x.ToString("E" + decimals.ToString(s_inv), s_inv); // 1.234E+005
        int e = s.IndexOf('E', StringComparison.Ordinal);
        int exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, s_inv);
        return s[..e] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", s_inv);
    }

    /// <summary>The decimal exponent of x and the significant digits it needs out of <paramref name="digits"/>.</summary>
    private static (int Power, int Significant) Scientific(double x, int digits)
    {
        if (x == 0) return (0, 1);
        string s = Math.Abs(x).ToString("E" + (digits - 1).ToString(s_inv), s_inv);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        int kp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, s_inv);
        var mantissa = s[..e].Replace(".", "", StringComparison.Ordinal);
        int nsig = mantissa.TrimEnd('0').Length;
        return (kp, Math.Max(1, nsig));
    }

    /// <summary>R's <c>round(x, digits)</c>.</summary>
    public static double Round(double x, int digits)
    {
        if (!double.IsFinite(x) || digits > 15) return x;
        if (digits >= 0) return Math.Round(x, digits, MidpointRounding.ToEven);
        double p = Math.Pow(10, -digits);
        return Math.Round(x / p, MidpointRounding.ToEven) * p;
    }

    /// <summary>R's <c>zapsmall(x, digits)</c>: values rounded so that those tiny next to the largest become zero.</summary>
    public static double[] ZapSmall(ReadOnlySpan<double> values, int digits)
    {
        double mx = 0;
        foreach (double v in values) if (double.IsFinite(v)) mx = Math.Max(mx, Math.Abs(v));
        // R before 4.4: round(x, max(0, digits - log10(mx))), whose fractional digits round() takes to the nearest integer.
        int d = mx > 0 ? (int)Math.Floor(Math.Max(0, digits - Math.Log10(mx)) + 0.5) : digits;
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Round(values[i], d);
        return result;
    }

    /// <summary>R's default (type 7) quantile of unsorted values.</summary>
    public static double[] Quantiles(ReadOnlySpan<double> values, ReadOnlySpan<double> probabilities)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var result = new double[probabilities.Length];
        int n = sorted.Length;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (n == 0)
            {
                result[i] = double.NaN;
                continue;
            }
            double h = (n - 1) * probabilities[i];
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, n - 1);
            result[i] = sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
        }
        return result;
    }

    /// <summary>
    /// R's <c>abbreviate(name, minlength)</c>: lower-case vowels dropped from the right, then lower-case letters,
    /// never the first character of a word, until the name is short enough.
    /// </summary>
    public static string Abbreviate(string name, int minLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chars = name.Trim().ToList();
        if (chars.Count <= minLength) return new string(chars.ToArray());
        foreach (var drop in new Func<char, bool>[] { c => "aeiou".Contains(c, StringComparison.Ordinal), char.IsLower })
        {
            for (int i = chars.Count - 1; i > 0 && chars.Count > minLength; i--)
            {
                if (drop(chars[i]) && chars[i - 1] != ' ') chars.RemoveAt(i);
            }
        }
        return new string(chars.ToArray());
    }

    /// <summary>
    /// Prints a named vector as R does: each name and value right-justified to the widest of all, separated by
    /// a space, each line ending in a space.
    /// </summary>
    public static string NamedVector(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        int width = Math.Max(names.Max(n => n.Length), values.Max(v => v.Length));
        var sb = new System.Text.StringBuilder();
        foreach (var n in names) sb.Append(n.PadLeft(width)).Append(' ');
        sb.Append('\n');
        foreach (var v in values) sb.Append(v.PadLeft(width)).Append(' ');
        sb.Append('\n');
        return sb.ToString();
    }
}
