using FastMlm.LinearAlgebra;

namespace FastMlm.Tests.Design;

public sealed class LimitedPivotQrTests
{
    [Fact]
    public void FullRankMatrix_HasNoAliasedColumns()
    {
        var m = new DenseMatrix(4, 3, [1, 1, 1, 1, 1, 2, 3, 4, 1, 4, 9, 16]);
        Assert.Empty(LimitedPivotQr.AliasedColumns(m));
    }

    [Fact]
    public void ColumnEqualToSumOfEarlierOnes_IsAliased_EvenWhenScaledHugely()
    {
        // Column 3 = 1e6 * (column 1 + column 2): aliased whatever the scale.
        var m = new DenseMatrix(4, 4, [1, 1, 1, 1, 1, 2, 3, 4, 2e6, 3e6, 4e6, 5e6, 0, 1, 0, 1]);
        Assert.Equal([2], LimitedPivotQr.AliasedColumns(m));
    }

    [Fact]
    public void ZeroColumn_IsAliased()
    {
        var m = new DenseMatrix(3, 2, [1, 2, 3, 0, 0, 0]);
        Assert.Equal([1], LimitedPivotQr.AliasedColumns(m));
    }

    [Fact]
    public void MoreColumnsThanRows_AliasesTheSurplus()
    {
        var m = new DenseMatrix(2, 3, [1, 0, 0, 1, 1, 1]);
        Assert.Equal([2], LimitedPivotQr.AliasedColumns(m));
    }

    [Fact]
    public void NearlyCollinearColumnAboveTolerance_IsKept()
    {
        var m = new DenseMatrix(3, 2, [1, 2, 3, 1, 2, 3 + 1e-5]);
        Assert.Empty(LimitedPivotQr.AliasedColumns(m));
    }

    [Fact]
    public void InputMatrix_IsNotChanged()
    {
        double[] data = [1, 2, 3, 2, 4, 6];
        var copy = (double[])data.Clone();
        _ = LimitedPivotQr.AliasedColumns(new DenseMatrix(3, 2, data));
        Assert.Equal(copy, data);
    }
}
