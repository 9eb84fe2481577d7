using System.Text.Json;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>Prediction for new data: lme4's predictions, new groups, the marginal prediction, the fixed part's SE, coding as the fitted data.</summary>
public sealed class PredictionTests
{
    private static DataFrame Csv(string text) => CsvReader.Parse(text, source: "new.csv");

    private static FitResult Fit(string data, string formula, bool reml = false) =>
        LinearMixedModel.Fit(BuiltInData.Load(data), formula, new LmmOptions { Reml = reml });

    private static void AssertRelative(double expected, double actual, double tolerance = 1e-6) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    /// <summary>The reference file's newdata as a data frame (numeric columns, as R had them).</summary>
    private static DataFrame NewData(JsonElement root)
    {
        var rows = root.GetProperty("newdata").EnumerateArray().ToArray();
        var names = rows[0].EnumerateObject().Select(p => p.Name).ToArray();
        return new DataFrame(names.Select(name => (Column)new NumericColumn(name, rows.Select(r => r.GetProperty(name).GetDouble()).ToArray())), "newdata");
    }

    [Fact]
    public void PopularRandomSlopes_MatchesLme4_ConditionalAndMarginal()
    {
        using var doc = ReferenceSuite.Load("predict_popular_rs_ml");
        var root = doc.RootElement;
        Assert.False(root.GetProperty("reml").GetBoolean());
        var fit = Fit(ReferenceSuite.DataSetName(root), root.GetProperty("formula").GetString()!, reml: false);
        var newData = NewData(root);

        var conditional = Prediction.Predict(fit, newData);
        var marginal = Prediction.Predict(fit, newData, new PredictionOptions { RandomEffects = false });
        var expectedConditional = root.GetProperty("conditional").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expectedMarginal = root.GetProperty("marginal").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        // The file's predictions come from an lme4 fit whose fixed effects differ from popular_rs_ml.json's (the same
        // model and data) by up to 3e-6, lme4's own optimiser tolerance: its marginal predictions imply an intercept
        // of 2.0811129 where popular_rs_ml.json has 2.0811098. So they are compared to 1e-5 relative, and the
        // marginal predictions to popular_rs_ml.json's estimates at 1e-6 below.
        for (int i = 0; i < expectedConditional.Length; i++)
        {
            AssertRelative(expectedConditional[i], conditional.Predicted[i], 1e-5);
            AssertRelative(expectedMarginal[i], conditional.Marginal[i], 1e-5);
            AssertRelative(expectedMarginal[i], marginal.Predicted[i], 1e-5);
        }
        Assert.Equal(conditional.Marginal[3], conditional.Predicted[3]); // class 999: a new group
        Assert.Empty(marginal.NewGroups);
        Assert.Empty(marginal.Messages);

        using var fitDoc = ReferenceSuite.Load("popular_rs_ml");
        var fixef = fitDoc.RootElement.GetProperty("fixef").EnumerateArray()
            .ToDictionary(f => f.GetProperty("term").GetString()!, f => f.GetProperty("estimate").GetDouble());
        var rows = root.GetProperty("newdata").EnumerateArray().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            double xb = fixef["(Intercept)"] + (fixef["extrav"] * rows[i].GetProperty("extrav").GetDouble()) + (fixef["sex"] * rows[i].GetProperty("sex").GetDouble());
            AssertRelative(xb, marginal.Predicted[i], 1e-6);
        }
    }

    [Fact]
    public void NewGroup_GetsTheMarginalPrediction_AndIsReported()
    {
        var fit = Fit("popular", "popular ~ extrav + sex + (1 + extrav | class)");
        var result = Prediction.Predict(fit, Csv("extrav,sex,class\n5,1,2\n5,1,999\n3,0,1000\n4,0,999\n"));
        Assert.NotEqual(result.Marginal[0], result.Predicted[0]);
        for (int i = 1; i < 4; i++) Assert.Equal(result.Marginal[i], result.Predicted[i]);
        var g = Assert.Single(result.NewGroups);
        Assert.Equal("class", g.Factor);
        Assert.Equal(["999", "1000"], g.Levels);
        Assert.Equal(3, g.Rows);
        var note = Assert.Single(result.Messages);
        Assert.StartsWith("class: 2 levels the model was not fitted to (999, 1000) in 3 rows;", note);
    }

    [Fact]
    public void WithoutRandomEffects_NeedsNoGroupingColumn()
    {
        var fit = Fit("popular", "popular ~ extrav + sex + (1 + extrav | class)");
        Assert.Equal(["extrav", "sex"], Prediction.NewDataColumns(fit, randomEffects: false));
        Assert.Equal(["extrav", "sex", "class"], Prediction.NewDataColumns(fit, randomEffects: true));
        var result = Prediction.Predict(fit, Csv("extrav,sex\n5,1\n"), new PredictionOptions { RandomEffects = false });
        double expected = fit.FixedEffects[0].Estimate + (5 * fit.FixedEffects[1].Estimate) + fit.FixedEffects[2].Estimate;
        Assert.Equal(expected, result.Predicted[0], 1e-12);
        Assert.False(result.RandomEffects);
        var error = Assert.ThrowsAny<FastMlmException>(() => Prediction.Predict(fit, Csv("extrav,sex\n5,1\n")));
        Assert.Contains("unknown column 'class'", error.Message);
    }

    [Fact]
    public void StandardErrors_AreTheSquareRootOfXVX()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + I(Days^2) + (Days | Subject)", reml: true);
        var result = Prediction.Predict(fit, Csv("Days,Subject\n0,308\n4.5,309\n12,999\n"));
        var v = fit.FixedEffectsCovariance;
        double[] days = [0, 4.5, 12];
        for (int r = 0; r < days.Length; r++)
        {
            double[] x = [1, days[r], days[r] * days[r]];
            double s = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) s += x[i] * v[i, j] * x[j];
            Assert.Equal(Math.Sqrt(s), result.StandardErrors[r], 1e-9);
        }
        Assert.Equal(fit.FixedEffects[0].StandardError, result.StandardErrors[0], 1e-9);
    }

    [Fact]
    public void FittedData_PredictsTheFittedValues()
    {
        var fit = Fit("sleepstudy", "Reaction ~ Days + (Days | Subject)", reml: true);
        var result = Prediction.Predict(fit, BuiltInData.Load("sleepstudy"));
        for (int i = 0; i < fit.ObservationCount; i++) Assert.Equal(fit.Fitted[i], result.Predicted[i], 1e-8);
    }

    [Fact]
    public void Factors_AreCodedAsInTheFittedData_AndAnUnseenLevelIsAnErrorNamingIt()
    {
        var fit = Fit("cake", "angle ~ recipe + temperature + (1 | replicate)");
        var recipes = fit.FixedEffects.Where(f => f.Term.StartsWith("recipe", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["recipeB", "recipeC"], recipes.Select(f => f.Term));
        // Only level C in the new data: still coded against A, B, C.
        var result = Prediction.Predict(fit, Csv("recipe,temperature,replicate\nC,200,1\n"), new PredictionOptions { RandomEffects = false });
        double expected = fit.FixedEffects[0].Estimate + recipes[1].Estimate + (200 * fit.FixedEffects.Single(f => f.Term == "temperature").Estimate);
        Assert.Equal(expected, result.Predicted[0], 1e-9);

        var error = Assert.Throws<DataException>(() => Prediction.Predict(fit, Csv("recipe,temperature,replicate\nA,200,1\nD,200,1\n")));
        Assert.Contains("'recipe' has level 'D' in row 2 of 'new.csv'", error.Message);
        Assert.Contains("A, B, C", error.Message);
    }

    [Fact]
    public void NumericFactor_MatchesLevelsByLabel()
    {
        var fit = Fit("cake", "angle ~ factor(temperature) + (1 | replicate)");
        var result = Prediction.Predict(fit, Csv("temperature,replicate\n175,1\n"), new PredictionOptions { RandomEffects = false });
        double expected = fit.FixedEffects[0].Estimate + fit.FixedEffects.Single(f => f.Term == "factor(temperature)185").Estimate * 0
            + fit.FixedEffects.Single(f => f.Term == "factor(temperature)205").Estimate * 0;
        Assert.Equal(fit.FixedEffects[0].Estimate, result.Predicted[0], 1e-9);
        Assert.Equal(expected, result.Predicted[0], 1e-9);
        var error = Assert.Throws<DataException>(() => Prediction.Predict(fit, Csv("temperature,replicate\n180,1\n")));
        Assert.Contains("'factor(temperature)' has level '180'", error.Message);
    }

    [Fact]
    public void Scale_UsesTheFittedDataCentreAndScale()
    {
        var data = BuiltInData.Load("sleepstudy");
        var fit = LinearMixedModel.Fit(data, "Reaction ~ scale(Days) + (1 | Subject)", new LmmOptions { Reml = true });
        // One new row: scale() of a single value would be undefined; the fitted data's mean and SD are used.
        var days = ((NumericColumn)data["Days"]).Values.ToArray();
        Assert.Equal(4.5, days.Average(), 1e-12);
        double sd = Math.Sqrt(days.Sum(d => (d - 4.5) * (d - 4.5)) / (days.Length - 1));
        var result = Prediction.Predict(fit, Csv("Days\n7\n"), new PredictionOptions { RandomEffects = false });
        Assert.Equal(fit.FixedEffects[0].Estimate + (fit.FixedEffects[1].Estimate * (7 - 4.5) / sd), result.Predicted[0], 1e-9);
    }

    [Fact]
    public void MissingValues_GiveNaN_AndAreCounted()
    {
        var fit = Fit("popular", "popular ~ extrav + sex + (1 | class)");
        var result = Prediction.Predict(fit, Csv("extrav,sex,class\n5,1,2\nNA,1,2\n4,0,\n6,1,3\n"));
        Assert.Equal([1, 2], result.MissingRows);
        Assert.True(double.IsNaN(result.Predicted[1]) && double.IsNaN(result.Marginal[2]) && double.IsNaN(result.StandardErrors[1]));
        Assert.False(double.IsNaN(result.Predicted[3]));
        var note = Assert.Single(result.Messages);
        Assert.Equal("2 of 4 rows of 'new.csv' miss a value the prediction needs (extrav 1, class 1); their predictions are NA", note);
    }

    [Fact]
    public void Offset_IsAddedToBothPredictions()
    {
        var data = Csv("y,x,o,g\n1,1,0.5,a\n2,2,1,a\n3,3,0,a\n4,4,2,b\n5,5,1,b\n7,6,3,b\n8,7,1,c\n9,8,0,c\n");
        var fit = LinearMixedModel.Fit(data, "y ~ x + offset(log(o + 1)) + (1 | g)", new LmmOptions { Reml = true });
        Assert.Equal(["x", "o", "g"], Prediction.NewDataColumns(fit, randomEffects: true));
        var result = Prediction.Predict(fit, Csv("x,o,g\n2,1,a\n2,1,z\n"));
        double xb = fit.FixedEffects[0].Estimate + (2 * fit.FixedEffects[1].Estimate) + Math.Log(2);
        Assert.Equal(xb, result.Marginal[0], 1e-12);
        Assert.Equal(xb + fit.RandomEffects[0].Value(0, 0), result.Predicted[0], 1e-12);
        Assert.Equal(xb, result.Predicted[1], 1e-12);
        // The fitted data predict the fitted values, offset included.
        var again = Prediction.Predict(fit, data);
        for (int i = 0; i < 8; i++) Assert.Equal(fit.Fitted[i], again.Predicted[i], 1e-9);
    }

    [Fact]
    public void InteractionGrouping_IsPredicted()
    {
        var fit = Fit("pastes", "strength ~ 1 + (1 | batch/cask)", reml: true);
        var result = Prediction.Predict(fit, Csv("batch,cask\nA,a\nA,z\nZ,a\n"));
        var inner = fit.RandomEffects.Single(t => t.Factor == "cask:batch");
        var outer = fit.RandomEffects.Single(t => t.Factor == "batch");
        int aa = inner.Levels.ToList().IndexOf("a:A"), a = outer.Levels.ToList().IndexOf("A");
        double beta = fit.FixedEffects[0].Estimate;
        Assert.Equal(beta + inner.Value(aa, 0) + outer.Value(a, 0), result.Predicted[0], 1e-9);
        Assert.Equal(beta + outer.Value(a, 0), result.Predicted[1], 1e-9); // new cask within a known batch
        Assert.Equal(beta, result.Predicted[2], 1e-9);
        Assert.Equal(["cask:batch", "batch"], result.NewGroups.Select(g => g.Factor));
    }

    [Fact]
    public void NewDataDesign_HasTheFittedColumnNames()
    {
        var fit = Fit("cake", "angle ~ recipe * temperature + (1 | replicate)");
        var design = NewDataDesign.Build(fit.Design, Csv("recipe,temperature,replicate\nB,185,3\n"), randomEffects: true);
        Assert.Equal(fit.Design.Fixed.ColumnCount, design.X.Columns);
        Assert.Equal(1, design.X[0, 0]);
        Assert.Equal(1, design.X[0, 1]);
        Assert.Equal(0, design.X[0, 2]);
        Assert.Equal(185, design.X[0, 3]);
        Assert.Equal(185, design.X[0, 4]);
        Assert.Equal(0, design.X[0, 5]);
        Assert.Equal(["recipeB", "recipeC", "temperature", "recipeB:temperature", "recipeC:temperature"], fit.Design.Fixed.ColumnNames.Skip(1));
        Assert.Equal(fit.Design.RandomTerms[0].Grouping.Levels.ToList().IndexOf("3"), design.RandomTerms[0].Match.Codes[0]);
        Assert.Empty(design.RandomTerms[0].Match.NewLevels);
    }
}
