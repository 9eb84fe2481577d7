using System.Globalization;
using System.Text;
using System.Text.Json;
using FastMlm.Data;

namespace FastMlm.Batch;

/// <summary>
/// Writes a batch's rows in item order as they arrive, so that a killed job (kill -9 included) can resume with no
/// row lost and none written twice. Rows go to a journal beside the output (<c>OUT.partial</c>, CSV); every commit
/// flushes it to disk and then replaces a small checkpoint (<c>OUT.checkpoint</c>: the job's key, its columns, the
/// rows and bytes committed) by an atomic rename. Resuming truncates the journal to the committed bytes and goes
/// on from the next row. When every row is in, the journal becomes the output — renamed for CSV, converted for
/// Parquet — and the checkpoint is removed, so the output exists only when it is whole.
/// </summary>
public sealed class CheckpointedTableWriter : IBatchSink, IDisposable
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;
    private readonly string _output;
    private readonly string _journal;
    private readonly string _checkpoint;
    private readonly string _jobKey;
    private readonly IReadOnlyList<string> _columns;
    private readonly SortedDictionary<int, BatchRow> _pending = new();
    private readonly FileStream _stream;
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private DateTime _lastCommit = DateTime.UtcNow;
    private bool _disposed;

    /// <summary>Opens the journal: fresh, or (when <paramref name="resume"/>) after the rows a checkpoint says are committed.</summary>
    /// <param name="outputPath">The final output, <c>.csv</c> or <c>.parquet</c>.</param>
    /// <param name="columns">The value columns (after <c>id</c> and <c>converged</c>).</param>
    /// <param name="jobKey">What identifies the job: a resume with a different key is refused.</param>
    /// <param name="resume">Continue an interrupted job rather than start afresh.</param>
    /// <exception cref="BatchException">Resuming a different job, or a checkpoint that does not match its journal.</exception>
    public CheckpointedTableWriter(string outputPath, IReadOnlyList<string> columns, string jobKey, bool resume)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(jobKey);
        _output = Path.GetFullPath(outputPath);
        string ext = Path.GetExtension(_output).ToLowerInvariant();
        if (ext is not (".csv" or ".parquet")) throw new BatchException($"'{outputPath}': the output must end in .csv or .parquet");
        string dir = Path.GetDirectoryName(_output) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write '{outputPath}': the folder '{dir}' does not exist");
        _journal = _output + ".partial";
        _checkpoint = _output + ".checkpoint";
        _jobKey = jobKey;
        _columns = columns;

        long bytes = 0;
        if (resume && File.Exists(_checkpoint))
        {
            var state = ReadCheckpoint();
            if (state.Job != jobKey) throw new BatchException($"'{outputPath}' belongs to a different job (other data, model or settings): start it afresh without --resume, or give another output");
            if (!state.Columns.SequenceEqual(columns)) throw new BatchException($"'{outputPath}': the checkpoint's columns differ from this job's");
            if (!File.Exists(_journal) || new FileInfo(_journal).Length < state.Bytes) throw new BatchException($"'{_journal}' is shorter than its checkpoint says: the job cannot be resumed; start it afresh");
            RowsCommitted = state.Rows;
            bytes = state.Bytes;
            Resumed = true;
        }
        _stream = new FileStream(_journal, Resumed ? FileMode.Open : FileMode.Create, FileAccess.Write, FileShare.Read);
        if (Resumed)
        {
            _stream.SetLength(bytes); // what was written after the last commit is discarded and written again
            _stream.Position = bytes;
        }
        _writer = new StreamWriter(_stream, new UTF8Encoding(false)) { NewLine = "\n" };
        if (!Resumed)
        {
            _writer.WriteLine(string.Join(",", new[] { "id", "converged" }.Concat(columns).Append("messages").Append("error").Select(Quote)));
            CommitLocked(force: true);
        }
        NextIndex = RowsCommitted;
    }

    /// <summary>How often written rows are made durable (flushed to disk and checkpointed) while a job runs.</summary>
    public static TimeSpan CommitInterval { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Rows committed before this run began (resumed jobs), or so far.</summary>
    public int RowsCommitted { get; private set; }

    /// <summary>Whether a checkpoint was found and the job continues from it.</summary>
    public bool Resumed { get; }

    /// <summary>The next row index to be written.</summary>
    public int NextIndex { get; private set; }

    /// <summary>Adds a result; rows are written in index order as soon as every earlier row is in.</summary>
    public void Add(BatchRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        lock (_gate)
        {
            if (row.Index < NextIndex) return; // already committed before a resume
            _pending[row.Index] = row;
            while (_pending.Remove(NextIndex, out var next))
            {
                WriteRow(next);
                NextIndex++;
            }
            if (DateTime.UtcNow - _lastCommit > CommitInterval) CommitLocked(force: false);
        }
    }

    /// <summary>Makes every row written so far durable and records it in the checkpoint.</summary>
    public void Commit()
    {
        lock (_gate) CommitLocked(force: true);
    }

    private void CommitLocked(bool force)
    {
        if (!force && NextIndex == RowsCommitted) return;
        _writer.Flush();
        _stream.Flush(flushToDisk: true);
        RowsCommitted = NextIndex;
        var json = JsonSerializer.Serialize(new CheckpointState(_jobKey, _columns.ToArray(), RowsCommitted, _stream.Length));
        string temp = _checkpoint + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, _checkpoint, overwrite: true);
        _lastCommit = DateTime.UtcNow;
    }

    /// <summary>All rows are in: the journal becomes the output (atomically) and the checkpoint goes.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_pending.Count > 0) throw new InvalidOperationException($"row {NextIndex} is missing: rows after it are waiting");
            CommitLocked(force: true);
            _writer.Dispose();
            _disposed = true;
        }
        if (Path.GetExtension(_output).Equals(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            string temp = _output + ".tmp";
            BatchTable.WriteParquet(temp, CsvReader.ReadFile(_journal, new DataReadOptions { Separator = ',' }), _columns);
            File.Move(temp, _output, overwrite: true);
            File.Delete(_journal);
        }
        else
        {
            File.Move(_journal, _output, overwrite: true);
        }
        File.Delete(_checkpoint);
    }

    private void WriteRow(BatchRow row)
    {
        var sb = new StringBuilder();
        sb.Append(Quote(row.Id)).Append(',').Append(row.Converged ? "TRUE" : "FALSE");
        foreach (double v in row.Values) sb.Append(',').Append(double.IsNaN(v) ? "NA" : v.ToString("R", s_inv));
        sb.Append(',').Append(Quote(row.Messages)).Append(',').Append(row.Error is null ? "NA" : Quote(row.Error));
        _writer.WriteLine(sb.ToString());
    }

    private static string Quote(string s) =>
        s.Length > 0 && s.IndexOfAny([',', '"', '\n', '\r']) < 0 && s != "NA" ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private CheckpointState ReadCheckpoint()
    {
        try
        {
            return JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(_checkpoint)) ?? throw new BatchException($"'{_checkpoint}' is empty");
        }
        catch (JsonException e)
        {
            throw new BatchException($"'{_checkpoint}' is not a checkpoint ({e.Message})");
        }
    }

    /// <summary>Commits what is written (an interrupted job keeps its rows) and closes the journal.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            CommitLocked(force: false);
            _writer.Dispose();
            _disposed = true;
        }
    }

    private sealed record CheckpointState(string Job, string[] Columns, int Rows, long Bytes);
}

/// <summary>A batch job that cannot go on: a resume of a different job, a broken checkpoint, a bad output name.</summary>
public sealed class BatchException(string message) : FastMlmException(message);
