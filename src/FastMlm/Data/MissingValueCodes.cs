using System.Globalization;

namespace FastMlm.Data;

/// <summary>
/// Which values count as missing: always an empty field, <c>NA</c> and <c>NaN</c>, plus codes the user
/// names (survey files code "don't know" or "refused" as 88 or 99). A user code given as a number
/// (<c>88</c>) matches that number in a numeric column however it is written (<c>88</c>, <c>88.0</c>)
/// and the same text in a categorical column.
/// </summary>
public sealed class MissingValueCodes
{
    private readonly HashSet<string> _tokens;
    private readonly double[] _numbers;
    private readonly byte[][] _utf8Codes;

    /// <summary>The default: empty, <c>NA</c>, <c>NaN</c>.</summary>
    public static MissingValueCodes Default { get; } = new([]);

    /// <summary>Creates the set of missing-value codes: the defaults plus <paramref name="userCodes"/>.</summary>
    public MissingValueCodes(IEnumerable<string> userCodes)
    {
        ArgumentNullException.ThrowIfNull(userCodes);
        var codes = userCodes.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        UserCodes = codes;
        _tokens = new HashSet<string>(["", "NA", "NaN"], StringComparer.Ordinal);
        var numbers = new List<double>();
        foreach (var c in codes)
        {
            _tokens.Add(c);
            if (double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                numbers.Add(d);
            }
        }
        _numbers = numbers.ToArray();
        _utf8Codes = codes.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>Parses a comma-separated list of codes as given on a command line (<c>88,99</c>); null or empty gives the defaults.</summary>
    public static MissingValueCodes Parse(string? list) =>
        string.IsNullOrWhiteSpace(list) ? Default : new MissingValueCodes(list.Split(','));

    /// <summary>The codes the user named, beyond the defaults.</summary>
    public IReadOnlyList<string> UserCodes { get; }

    /// <summary>Whether a raw text field (already unquoted) is missing.</summary>
    public bool IsMissingToken(ReadOnlySpan<char> field)
    {
        if (field.IsEmpty) return true;
        if (field is "NA" || field is "NaN") return true;
        if (UserCodes.Count == 0) return false;
        var lookup = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.Contains(field);
    }

    /// <summary>Whether a raw UTF-8 field (already unquoted) is missing: the same test as <see cref="IsMissingToken"/>, on bytes.</summary>
    public bool IsMissingUtf8(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty) return true;
        if (field.SequenceEqual("NA"u8) || field.SequenceEqual("NaN"u8)) return true;
        foreach (var code in _utf8Codes)
        {
            if (field.SequenceEqual(code)) return true;
        }
        return false;
    }

    /// <summary>Whether a number read from a numeric column is a missing-value code (NaN always is).</summary>
    public bool IsMissingNumber(double value)
    {
        if (double.IsNaN(value)) return true;
        foreach (var n in _numbers)
        {
            if (value == n) return true;
        }
        return false;
    }
}
