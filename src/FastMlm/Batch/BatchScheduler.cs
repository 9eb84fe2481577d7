using FastMlm.LinearAlgebra;

namespace FastMlm.Batch;

/// <summary>A batch of independent work items whose results are rows of one table.</summary>
public interface IBatchJob
{
    /// <summary>What identifies the job (data, models, settings): a resume must find the same key.</summary>
    string Key { get; }

    /// <summary>The value columns, the same for every row.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Work items.</summary>
    int Count { get; }

    /// <summary>Runs item <paramref name="index"/>; called from many threads at once. A failure may throw: the scheduler records it.</summary>
    BatchRow Run(int index);

    /// <summary>The item's name, for the row of a failed item.</summary>
    string Id(int index);
}

/// <summary>Where a batch's rows go: a checkpointed file, or memory.</summary>
public interface IBatchSink
{
    /// <summary>The first item not yet done (after a resume, the first the earlier run did not finish).</summary>
    int NextIndex { get; }

    /// <summary>Adds a finished item's row (from any thread).</summary>
    void Add(BatchRow row);

    /// <summary>Makes what is written durable (an interrupted run).</summary>
    void Commit();

    /// <summary>Every row is in.</summary>
    void Complete();
}

/// <summary>Rows kept in memory, by index.</summary>
public sealed class MemorySink(int count) : IBatchSink
{
    private readonly BatchRow?[] _rows = new BatchRow?[count];
    private int _done;

    /// <summary>The rows; null for items not run.</summary>
    public IReadOnlyList<BatchRow?> Rows => _rows;

    /// <inheritdoc/>
    public int NextIndex => 0;

    /// <inheritdoc/>
    public void Add(BatchRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _rows[row.Index] = row;
        Interlocked.Increment(ref _done);
    }

    /// <inheritdoc/>
    public void Commit() { }

    /// <inheritdoc/>
    public void Complete() { }

    /// <summary>Rows added.</summary>
    public int Done => _done;
}

/// <summary>How a batch runs.</summary>
public sealed class BatchRunOptions
{
    /// <summary>Items run at once (one per core by default). With more than one, each item's kernels run single-threaded.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Stops handing out items; those running finish and are written.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called as items finish: (items done in this run, items this run has to do).</summary>
    public Action<int, int>? Progress { get; init; }
}

/// <summary>What a batch run did.</summary>
/// <param name="Total">Items in the job.</param>
/// <param name="Skipped">Items already done by an earlier run (resumed).</param>
/// <param name="Completed">Items done by this run.</param>
/// <param name="Failed">Items whose model failed (their rows carry the error).</param>
/// <param name="Cancelled">The run was interrupted; the output is not complete and the job can resume.</param>
public sealed record BatchSummary(int Total, int Skipped, int Completed, int Failed, bool Cancelled);

/// <summary>
/// Runs a job's items over a pool of workers, each taking the next item in order; results stream to the writer,
/// which keeps the item order. Many small items run one per core with single-threaded kernels; with one thread,
/// the item's own kernels may use every core — never both at once. A failing item records its error and the
/// batch goes on; cancellation stops between items, and what is done stays written.
/// </summary>
public static class BatchScheduler
{
    /// <summary>Runs the job's remaining items (from <see cref="CheckpointedTableWriter.NextIndex"/>) and completes the output when all are in.</summary>
    public static BatchSummary Run(IBatchJob job, IBatchSink writer, BatchRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(writer);
        options ??= new BatchRunOptions();
        int start = writer.NextIndex;
        int todo = job.Count - start;
        int next = start - 1, done = 0, failed = 0;
        int threads = Math.Clamp(options.Threads, 1, Math.Max(1, todo));

        void Worker()
        {
            using var scope = Parallelism.Outer(threads > 1);
            while (!options.Cancellation.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= job.Count) return;
                BatchRow row;
                try
                {
                    row = job.Run(i);
                }
#pragma warning disable CA1031 // a failing model is recorded in its row and the batch goes on
                catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
                {
                    row = new BatchRow(i, job.Id(i), false, Enumerable.Repeat(double.NaN, job.Columns.Count).ToArray(), "", e.Message.ReplaceLineEndings(" "));
                    Interlocked.Increment(ref failed);
                }
                writer.Add(row);
                int count = Interlocked.Increment(ref done); // not inside ?.Invoke: that would skip the count without a callback
                options.Progress?.Invoke(count, todo);
            }
        }

        if (todo > 0)
        {
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(Worker) { IsBackground = true, Name = $"fastmlm batch {t}" };
                workers[t].Start();
            }
            foreach (var w in workers) w.Join();
        }
        bool cancelled = start + done < job.Count;
        if (cancelled) writer.Commit();
        else writer.Complete();
        return new BatchSummary(job.Count, start, done, failed, cancelled);
    }
}
