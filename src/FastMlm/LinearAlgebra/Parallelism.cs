namespace FastMlm.LinearAlgebra;

/// <summary>
/// Who may use the cores: a batch that runs many small fits at once runs one per core and each fit's kernels
/// single-threaded; a single big fit uses every core inside its kernels. Never both at once — the kernels ask
/// <see cref="KernelThreads"/> before splitting work.
/// </summary>
public static class Parallelism
{
    [ThreadStatic]
    private static int t_outerDepth;

    /// <summary>Threads the kernels may use on this thread: one inside a batch worker, else one per core.</summary>
    public static int KernelThreads => t_outerDepth > 0 ? 1 : Environment.ProcessorCount;

    /// <summary>Whether the current thread is a batch worker (its kernels run single-threaded and managed).</summary>
    public static bool InBatchWorker => t_outerDepth > 0;

    /// <summary>Marks the current thread as a batch worker until the scope is disposed (when <paramref name="active"/>).</summary>
    public static OuterScope Outer(bool active = true)
    {
        if (active) t_outerDepth++;
        return new OuterScope(active);
    }

    /// <summary>A batch worker's scope (see <see cref="Outer"/>).</summary>
    public readonly struct OuterScope(bool active) : IDisposable
    {
        /// <summary>Leaves the scope.</summary>
        public void Dispose()
        {
            if (active) t_outerDepth--;
        }
    }
}
