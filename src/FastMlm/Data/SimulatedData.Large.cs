using System.Globalization;

namespace FastMlm.Data;

/// <summary>
/// The large simulated designs of the benchmarks, built straight into columns (a million rows of CSV text would only
/// be parsed again). Labels are zero-padded, so the levels' order of generation is their ordinal sort order and a
/// frame read back from a written file equals the frame made here.
/// </summary>
internal static partial class SimulatedData
{
    /// <summary>Whether the design is built as columns (not as CSV text).</summary>
    internal static bool IsLarge(string name) => name is "ri_slope_1m" or "teaching_crossed_random" or "nested3_1m" or "repeated_nested_300k";

    private static DataFrame LargeFrame(string name, uint seed) => name switch
    {
        "ri_slope_1m" => RandomSlopes1m(seed),
        "teaching_crossed_random" => TeachingCrossedRandom(seed),
        "nested3_1m" => Nested3Million(seed),
        "repeated_nested_300k" => RepeatedNested(seed),
        _ => throw new ArgumentException($"no simulated data set '{name}'", nameof(name)),
    };

    /// <summary>
    /// 10,000 groups g of 100 rows (1,000,000): y = 1 + 0.5x + b0_g + b1_g x + e, x uniform on (0, 10), e standard
    /// normal, b0 and b1 normal with SDs 1 and 0.3 and correlation 0.3.
    /// </summary>
    private static DataFrame RandomSlopes1m(uint seed)
    {
        const int Groups = 10_000, PerGroup = 100;
        var rng = new ParkMiller(seed);
        var y = new double[Groups * PerGroup];
        var x = new double[y.Length];
        var g = new int[y.Length];
        double rho = 0.3, rest = Math.Sqrt(1 - (rho * rho));
        for (int j = 0, r = 0; j < Groups; j++)
        {
            double z1 = rng.Normal(), z2 = rng.Normal();
            double b0 = z1, b1 = 0.3 * ((rho * z1) + (rest * z2));
            for (int k = 0; k < PerGroup; k++, r++)
            {
                x[r] = 10 * rng.Uniform();
                y[r] = 1 + (0.5 * x[r]) + b0 + (b1 * x[r]) + rng.Normal();
                g[r] = j;
            }
        }
        return new DataFrame(
            [new NumericColumn("y", y), new NumericColumn("x", x), new CategoricalColumn("g", g, Labels("g", Groups, 5))], "ri_slope_1m");
    }

    /// <summary>
    /// teaching_crossed's sizes and model — 73,000 ratings by 3,000 students (s) of 1,100 lecturers (d), each lecturer
    /// in one of 14 departments (dept = d mod 14, a fixed effect), y = 3 + 0.05·dept + s_i + d_j + e with SDs 0.3, 0.45
    /// and 1.1 — but each rating's lecturer drawn uniformly from all 1,100 rather than from a window of 150, so the
    /// crossing is not banded and a sparse Cholesky factor fills in far more (benchmarks/lme4/results-2026-11-25-insteval.md).
    /// The first 3,000 rows give every student a rating and the first 1,100 every lecturer.
    /// </summary>
    private static DataFrame TeachingCrossedRandom(uint seed)
    {
        const int Students = 3000, Lecturers = 1100, Rows = 73_000, Departments = 14;
        var rng = new ParkMiller(seed);
        var s = new double[Students];
        var d = new double[Lecturers];
        for (int i = 0; i < Students; i++) s[i] = 0.3 * rng.Normal();
        for (int j = 0; j < Lecturers; j++) d[j] = 0.45 * rng.Normal();
        var y = new double[Rows];
        var student = new int[Rows];
        var lecturer = new int[Rows];
        var dept = new int[Rows];
        for (int r = 0; r < Rows; r++)
        {
            int i = r < Students ? r : rng.Below(Students);
            int j = r < Lecturers ? r : rng.Below(Lecturers);
            student[r] = i;
            lecturer[r] = j;
            dept[r] = j % Departments;
            y[r] = 3 + (0.05 * dept[r]) + s[i] + d[j] + (1.1 * rng.Normal());
        }
        return new DataFrame(
        [
            new NumericColumn("y", y), new CategoricalColumn("s", student, Labels("s", Students, 4)),
            new CategoricalColumn("d", lecturer, Labels("d", Lecturers, 4)), new CategoricalColumn("dept", dept, Labels("dept", Departments, 2)),
        ], "teaching_crossed_random");
    }

    /// <summary>
    /// 1,000 schools × 20 classes × 50 pupils (1,000,000 rows), class labels c00..c19 repeated in every school (so only
    /// school:class names a class): y = 10 + 0.3x + u_school + v_class + e, x and e standard normal, u and v normal with
    /// SDs 0.7 and 0.4.
    /// </summary>
    private static DataFrame Nested3Million(uint seed)
    {
        const int Schools = 1000, Classes = 20, Pupils = 50;
        var rng = new ParkMiller(seed);
        int rows = Schools * Classes * Pupils;
        var y = new double[rows];
        var x = new double[rows];
        var school = new int[rows];
        var klass = new int[rows];
        int r = 0;
        for (int sc = 0; sc < Schools; sc++)
        {
            double u = 0.7 * rng.Normal();
            for (int c = 0; c < Classes; c++)
            {
                double v = 0.4 * rng.Normal();
                for (int k = 0; k < Pupils; k++, r++)
                {
                    x[r] = rng.Normal();
                    y[r] = 10 + (0.3 * x[r]) + u + v + rng.Normal();
                    school[r] = sc;
                    klass[r] = c;
                }
            }
        }
        return new DataFrame(
        [
            new NumericColumn("y", y), new NumericColumn("x", x),
            new CategoricalColumn("school", school, Labels("s", Schools, 4)), new CategoricalColumn("class", klass, Labels("c", Classes, 2)),
        ], "nested3_1m");
    }

    /// <summary>
    /// Three measures of each of 100,000 pupils, 4 to a class in 25,000 classes, 25 to a school in 1,000 schools (300,000
    /// rows): y = 10 + 0.3x + u_school + v_class + w_pupil + e, x and e standard normal, u, v and w normal with SDs 0.7,
    /// 0.4 and 0.5. Every label is unique, and the classes are numbered at random across the schools, so their
    /// natural order puts a school's classes far apart: the random effects after the pupils' hold 26,000 columns, beyond
    /// a dense block, and only an ordering of the levels keeps their factor narrow.
    /// </summary>
    private static DataFrame RepeatedNested(uint seed)
    {
        const int Schools = 1000, ClassesPerSchool = 25, PupilsPerClass = 4, Measures = 3;
        const int Classes = Schools * ClassesPerSchool, Pupils = Classes * PupilsPerClass, Rows = Pupils * Measures;
        var rng = new ParkMiller(seed);
        var classLabel = new int[Classes];
        for (int c = 0; c < Classes; c++) classLabel[c] = c;
        for (int c = Classes - 1; c > 0; c--)
        {
            int k = rng.Below(c + 1);
            (classLabel[c], classLabel[k]) = (classLabel[k], classLabel[c]);
        }
        var y = new double[Rows];
        var x = new double[Rows];
        var school = new int[Rows];
        var klass = new int[Rows];
        var pupil = new int[Rows];
        int r = 0;
        for (int sc = 0, c = 0, p = 0; sc < Schools; sc++)
        {
            double u = 0.7 * rng.Normal();
            for (int k = 0; k < ClassesPerSchool; k++, c++)
            {
                double v = 0.4 * rng.Normal();
                for (int j = 0; j < PupilsPerClass; j++, p++)
                {
                    double w = 0.5 * rng.Normal();
                    for (int m = 0; m < Measures; m++, r++)
                    {
                        x[r] = rng.Normal();
                        y[r] = 10 + (0.3 * x[r]) + u + v + w + rng.Normal();
                        school[r] = sc;
                        klass[r] = classLabel[c];
                        pupil[r] = p;
                    }
                }
            }
        }
        return new DataFrame(
        [
            new NumericColumn("y", y), new NumericColumn("x", x), new CategoricalColumn("school", school, Labels("s", Schools, 4)),
            new CategoricalColumn("class", klass, Labels("c", Classes, 5)), new CategoricalColumn("pupil", pupil, Labels("p", Pupils, 6)),
        ], "repeated_nested_300k");
    }

    /// <summary>prefix0000, prefix0001, ...: zero-padded to <paramref name="digits"/>, so they sort as they are numbered.</summary>
    private static string[] Labels(string prefix, int count, int digits)
    {
        string format = "D" + digits.ToString(CultureInfo.InvariantCulture);
        return Enumerable.Range(0, count).Select(i => prefix + i.ToString(format, CultureInfo.InvariantCulture)).ToArray();
    }
}
