using System.Globalization;
using FastMlm.Design;

namespace FastMlm.Models;

/// <summary>
/// Separation in a GLMM's fixed part: a column of X that predicts the outcome perfectly, so that the likelihood
/// keeps rising as its coefficient runs to ±∞ and no finite maximum-likelihood estimate exists.
/// </summary>
/// <remarks>
/// Two patterns are found column by column, before fitting: <b>quasi-complete</b> separation, where every row in
/// which the column is non-zero (a level of a factor, a 0/1 indicator) has the same outcome — all successes or all
/// failures for binomial responses, all zero counts for Poisson ones; and <b>complete</b> separation by a single
/// predictor, where every failure lies below every success on the column (or above). Separation by a combination
/// of columns is not searched for; a fit that ends with fitted probabilities numerically 0 or 1 says so instead.
/// </remarks>
internal static class Separation
{
    /// <summary>One separating column and the warning that names it.</summary>
    internal sealed record Finding(string Column, string Message);

    public static IReadOnlyList<Finding> Find(ModelDesign design, GlmResponse response)
    {
        var found = new List<Finding>();
        var x = design.Fixed.X;
        int n = x.Rows;
        var y = response.Y;
        var m = response.PriorWeights;
        bool binomial = response.Family == Family.Binomial;
        for (int j = 0; j < x.Columns; j++)
        {
            string name = design.Fixed.ColumnNames[j];
            if (name == "(Intercept)") continue;
            var col = x.Data.AsSpan(j * n, n);
            bool anyNonZero = false, allSuccess = true, allFailure = true, indicator = true;
            double maxFail = double.NegativeInfinity, minFail = double.PositiveInfinity, maxSucc = double.NegativeInfinity, minSucc = double.PositiveInfinity;
            bool anyFail = false, anySucc = false;
            for (int i = 0; i < n; i++)
            {
                if (m[i] <= 0) continue;
                double v = col[i];
                if (v != 0 && v != 1) indicator = false;
                bool success = y[i] > 0;
                bool failure = binomial ? y[i] < 1 : y[i] == 0;
                if (v != 0)
                {
                    anyNonZero = true;
                    if (failure) allSuccess = false; // a row with any failures
                    if (success) allFailure = false; // a row with any successes (or a positive count)
                }
                if (failure)
                {
                    anyFail = true;
                    maxFail = Math.Max(maxFail, v);
                    minFail = Math.Min(minFail, v);
                }
                if (success)
                {
                    anySucc = true;
                    maxSucc = Math.Max(maxSucc, v);
                    minSucc = Math.Min(minSucc, v);
                }
            }
            if (!anyNonZero) continue;
            string? what = null;
            if (binomial && allSuccess) what = "every outcome is a success where it is non-zero";
            else if (allFailure) what = binomial ? "every outcome is a failure where it is non-zero" : "every count is zero where it is non-zero";
            else if (binomial && !indicator && anyFail && anySucc && (maxFail < minSucc || maxSucc < minFail))
            {
                what = string.Create(CultureInfo.InvariantCulture, $"every failure lies {(maxFail < minSucc ? "below" : "above")} every success on it");
            }
            if (what is null) continue;
            found.Add(new Finding(name, $"separation: {what} in '{name}', so its coefficient has no finite maximum-likelihood estimate: it is held where |β·x| reaches 30 (the fitted values of those rows are then 0 or 1 to machine precision), and its standard error and test mean nothing (drop or merge the term's levels, or use a penalised fit)"));
        }
        return found;
    }
}
