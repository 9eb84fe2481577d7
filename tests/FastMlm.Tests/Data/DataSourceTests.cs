using FastMlm.Data;

namespace FastMlm.Tests.Data;

public sealed class DataSourceTests
{
    [Theory]
    [InlineData("cake", 270, 5)]
    [InlineData("cbpp", 56, 4)]
    [InlineData("dyestuff", 30, 2)]
    [InlineData("dyestuff2", 30, 2)]
    [InlineData("exam", 4059, 10)]
    [InlineData("hsb82", 7185, 8)]
    [InlineData("oxboys", 234, 4)]
    [InlineData("pastes", 60, 4)]
    [InlineData("penicillin", 144, 3)]
    [InlineData("popular", 2000, 6)]
    [InlineData("sleepstudy", 180, 3)]
    public void BuiltInDataSet_LoadsByNameWithItsShape(string name, int rows, int columns)
    {
        var frame = DataSource.Load(name);
        Assert.Equal(rows, frame.RowCount);
        Assert.Equal(columns, frame.Columns.Count);
        Assert.Equal(name, frame.Source);
    }

    [Fact]
    public void EveryBuiltInDataSet_HasADescription()
    {
        Assert.Equal(11, BuiltInData.All.Count);
        Assert.All(BuiltInData.All, i => Assert.True(i.Description.Length > 20, i.Name));
    }

    [Fact]
    public void BuiltInName_IsCaseInsensitive() => Assert.Equal(180, DataSource.Load("SleepStudy").RowCount);

    [Fact]
    public void UnknownName_SuggestsTheNearestBuiltInSet()
    {
        var e = Assert.Throws<DataException>(() => DataSource.Load("sleepstudi"));
        Assert.Equal("data file 'sleepstudi' not found, and no built-in data set has that name; did you mean 'sleepstudy'?", e.Message);
    }

    [Fact]
    public void UnknownFarName_ListsTheBuiltInSets()
    {
        var e = Assert.Throws<DataException>(() => DataSource.Load("/no/such/survey.csv"));
        Assert.Contains("'/no/such/survey.csv' not found", e.Message);
        Assert.Contains("sleepstudy", e.Message);
    }

    [Fact]
    public void ExistingFile_TakesPrecedenceOverBuiltInName()
    {
        var dir = Directory.CreateTempSubdirectory("fastmlm-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "sleepstudy"), "a,b\n1,2\n");
            var frame = DataSource.Load(Path.Combine(dir.FullName, "sleepstudy"));
            Assert.Equal(1, frame.RowCount);
            Assert.Equal(["a", "b"], frame.ColumnNames);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void UnknownColumnMessage_SuggestsNearestName()
    {
        var frame = DataSource.Load("sleepstudy");
        var e = Assert.Throws<DataException>(() => frame["reaction"]);
        Assert.Equal("unknown column 'reaction' in 'sleepstudy'; did you mean 'Reaction'?", e.Message);
    }

    [Fact]
    public void MissingValueCodes_MatchNumbersHoweverWrittenAndTextExactly()
    {
        var codes = MissingValueCodes.Parse("88, 99");
        Assert.True(codes.IsMissingNumber(88.0));
        Assert.True(codes.IsMissingNumber(99));
        Assert.False(codes.IsMissingNumber(98));
        Assert.True(codes.IsMissingToken("88"));
        Assert.True(codes.IsMissingToken("NA"));
        Assert.True(codes.IsMissingToken(""));
        Assert.False(codes.IsMissingToken("na"));
        Assert.False(MissingValueCodes.Default.IsMissingToken("88"));
    }
}
