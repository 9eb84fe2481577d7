namespace FastMlm;

/// <summary>
/// An error the user can cause: bad data, a malformed formula, an impossible model.
/// The message is one line that names the culprit (the column, the term, the line or position),
/// fit to be shown to a person as it is.
/// </summary>
public class FastMlmException : Exception
{
    /// <summary>Creates an exception with a one-line message.</summary>
    public FastMlmException(string message) : base(message) { }

    /// <summary>Creates an exception with a one-line message and the exception behind it.</summary>
    public FastMlmException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an exception with no message (prefer the message overloads).</summary>
    public FastMlmException() { }
}

/// <summary>A problem with input data: a file that cannot be read, a malformed or ragged row, a bad value.</summary>
public class DataException : FastMlmException
{
    /// <summary>Creates a data error with a one-line message.</summary>
    public DataException(string message) : base(message) { }

    /// <summary>Creates a data error with a one-line message and the exception behind it.</summary>
    public DataException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates a data error with no message (prefer the message overloads).</summary>
    public DataException() { }
}

/// <summary>A malformed formula; <see cref="Position"/> is the zero-based offset of the fault in the formula text.</summary>
public class FormulaException : FastMlmException
{
    /// <summary>Creates a formula error pointing at a position of the formula text.</summary>
    public FormulaException(string message, string formula, int position)
        : base(message)
    {
        Formula = formula;
        Position = position;
    }

    /// <summary>Creates a formula error with no position.</summary>
    public FormulaException(string message) : base(message) { Formula = ""; Position = -1; }

    /// <summary>Creates a formula error with no position and the exception behind it.</summary>
    public FormulaException(string message, Exception inner) : base(message, inner) { Formula = ""; Position = -1; }

    /// <summary>Creates a formula error with no message (prefer the message overloads).</summary>
    public FormulaException() { Formula = ""; Position = -1; }

    /// <summary>The formula text the error refers to (empty when unknown).</summary>
    public string Formula { get; }

    /// <summary>Zero-based character offset of the fault in <see cref="Formula"/>, or -1.</summary>
    public int Position { get; }

    /// <summary>The formula with a caret under the fault, on two lines, for terminals that show more than one line.</summary>
    public string Pointer => Position < 0 ? Formula : Formula + Environment.NewLine + new string(' ', Position) + "^";
}

/// <summary>A model that cannot be built from valid data and a valid formula (for example a factor response for a linear model).</summary>
public class ModelException : FastMlmException
{
    /// <summary>Creates a model error with a one-line message.</summary>
    public ModelException(string message) : base(message) { }

    /// <summary>Creates a model error with a one-line message and the exception behind it.</summary>
    public ModelException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates a model error with no message (prefer the message overloads).</summary>
    public ModelException() { }
}
