namespace FastMlm.Batch;

/// <summary>One model's (or replicate's) result in a batch: a row of the output table.</summary>
/// <param name="Index">The work item's position: rows are written in this order.</param>
/// <param name="Id">The item's name (a response column, a subgroup, a formula, a replicate number).</param>
/// <param name="Converged">Whether the fit converged (false when it failed).</param>
/// <param name="Values">The numbers, in the job's column order; NaN where a model has no such parameter or failed.</param>
/// <param name="Messages">The fit's messages joined by "; " (empty when none).</param>
/// <param name="Error">Why the item failed, or null: a failing model records its error and the batch goes on.</param>
public sealed record BatchRow(int Index, string Id, bool Converged, double[] Values, string Messages, string? Error);
