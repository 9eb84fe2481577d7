using System.Globalization;

namespace FastMlm.Data;

/// <summary>
/// Formats numbers as R's <c>as.character</c> and <c>deparse</c> do (15 significant digits, the shorter of
/// fixed and scientific notation), so that names built from numbers — factor levels such as
/// <c>factor(temperature)185</c>, or <c>I(x * 1e+06)</c> — read exactly as lme4 writes them.
/// </summary>
public static class RNumberFormat
{
    /// <summary>Formats <paramref name="value"/> as R's <c>as.character(value)</c> would; NaN gives "NA".</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NA";
        if (double.IsPositiveInfinity(value)) return "Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == 0) return "0";

        // Round to 15 significant digits and read off the digits and the decimal exponent.
        string e = Math.Abs(value).ToString("E14", CultureInfo.InvariantCulture); // d.ddddddddddddddE+xxx
        int ePos = e.IndexOf('E', StringComparison.Ordinal);
        string digits = string.Concat(e.AsSpan(0, 1), e.AsSpan(2, ePos - 2)).TrimEnd('0');
        int exponent = int.Parse(e.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int nsig = Math.Max(1, digits.Length);
        if (digits.Length == 0) digits = "0";
        bool negative = value < 0;

        int rightDigits = Math.Max(0, nsig - exponent - 1);
        int leftWidth = exponent >= 0 ? exponent + 1 : 1;
        int fixedWidth = (negative ? 1 : 0) + leftWidth + (rightDigits > 0 ? rightDigits + 1 : 0);
        int sciWidth = (negative ? 1 : 0) + (nsig > 1 ? nsig + 1 : nsig) + (Math.Abs(exponent) >= 100 ? 5 : 4);

        var sb = new System.Text.StringBuilder(Math.Max(fixedWidth, sciWidth));
        if (negative) sb.Append('-');
        if (fixedWidth <= sciWidth)
        {
            if (exponent >= 0)
            {
                for (int i = 0; i <= exponent; i++) sb.Append(i < digits.Length ? digits[i] : '0');
                if (rightDigits > 0) sb.Append('.').Append(digits.AsSpan(exponent + 1));
            }
            else
            {
                sb.Append("0.").Append('0', -exponent - 1).Append(digits);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (nsig > 1) sb.Append('.').Append(digits.AsSpan(1));
            sb.Append('e').Append(exponent < 0 ? '-' : '+');
            int absExp = Math.Abs(exponent);
            sb.Append(absExp < 10 ? "0" : "").Append(absExp.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
