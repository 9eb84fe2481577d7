using System.Globalization;
using System.Text;
using FastMlm.Design;
using FastMlm.Models;

namespace FastMlm.Reporting;

/// <summary>A plain-text description of a model's design: what will be estimated, from which rows.</summary>
public static class DesignReport
{
    /// <summary>
    /// Describes <paramref name="design"/>: formula, data, family, rows used, the columns of X, each random-effects
    /// term with its grouping factor's level count, and the notes (rows and columns dropped).
    /// </summary>
    public static string Describe(ModelDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var source = string.IsNullOrEmpty(design.Frame.Data.Source) ? "(in memory)" : design.Frame.Data.Source;
        sb.Append(inv, $"Formula:  {design.Formula.Text}").AppendLine();
        sb.Append(inv, $"Data:     {source}, {design.ObservationCount:N0} of {design.Frame.Data.RowCount:N0} rows used").AppendLine();
        if (design.Family != Family.Gaussian) sb.Append(inv, $"Family:   {design.Family.RName()}").AppendLine();
        sb.Append(inv, $"Response: {design.Response.Label}").AppendLine();
        sb.Append(inv, $"Fixed:    X is {design.ObservationCount:N0} x {design.Fixed.ColumnCount}: ")
          .AppendJoin(", ", design.Fixed.ColumnNames).AppendLine();
        if (design.Offset.Length > 0) sb.Append(inv, $"Offset:   {string.Join(" + ", design.Formula.Offsets)}").AppendLine();
        int width = design.RandomTerms.Max(t => t.GroupName.Length);
        string label = "Random:   ";
        foreach (var term in design.RandomTerms)
        {
            sb.Append(label).Append(term.GroupName.PadRight(width))
              .Append(inv, $"  {term.Grouping.LevelCount,7:N0} levels: ")
              .AppendJoin(", ", term.ColumnNames).AppendLine();
            label = "          ";
        }
        foreach (var message in design.Messages) sb.Append(inv, $"Note:     {message}").AppendLine();
        return sb.ToString();
    }
}
