namespace FastMlm.LinearAlgebra;

/// <summary>
/// An undirected graph given as a cover by cliques: two nodes are adjacent when some clique holds both. The
/// graph of a Schur complement is of this kind (each eliminated node leaves a clique of its neighbours), and the
/// cover is far smaller than the edge list: a clique of k nodes is k entries, not k².
/// </summary>
internal sealed class CliqueGraph
{
    /// <summary>
    /// The graph on <paramref name="nodeCount"/> nodes whose clique c holds
    /// <paramref name="cliqueNodes"/>[<paramref name="cliqueStart"/>[c]..<paramref name="cliqueStart"/>[c+1]].
    /// </summary>
    public CliqueGraph(int nodeCount, int[] cliqueStart, int[] cliqueNodes)
    {
        ArgumentNullException.ThrowIfNull(cliqueStart);
        ArgumentNullException.ThrowIfNull(cliqueNodes);
        NodeCount = nodeCount;
        CliqueStart = cliqueStart;
        CliqueNodes = cliqueNodes;
        int cliques = cliqueStart.Length - 1;
        NodeStart = new int[nodeCount + 1];
        foreach (int v in cliqueNodes) NodeStart[v + 1]++;
        for (int v = 0; v < nodeCount; v++) NodeStart[v + 1] += NodeStart[v];
        NodeCliques = new int[cliqueNodes.Length];
        var next = NodeStart[..^1];
        for (int c = 0; c < cliques; c++)
        {
            for (int k = cliqueStart[c]; k < cliqueStart[c + 1]; k++) NodeCliques[next[cliqueNodes[k]]++] = c;
        }
        Degree = new int[nodeCount];
        for (int v = 0; v < nodeCount; v++)
        {
            long d = 0;
            for (int k = NodeStart[v]; k < NodeStart[v + 1]; k++) d += CliqueSize(NodeCliques[k]) - 1;
            Degree[v] = (int)Math.Min(d, int.MaxValue);
        }
    }

    /// <summary>Nodes.</summary>
    public int NodeCount { get; }

    /// <summary>Where each clique's nodes start in <see cref="CliqueNodes"/> (one more entry than cliques).</summary>
    public int[] CliqueStart { get; }

    /// <summary>The cliques' nodes, clique after clique.</summary>
    public int[] CliqueNodes { get; }

    /// <summary>Where each node's cliques start in <see cref="NodeCliques"/>.</summary>
    public int[] NodeStart { get; }

    /// <summary>The cliques holding each node, node after node.</summary>
    public int[] NodeCliques { get; }

    /// <summary>
    /// Σ (|c| − 1) over the cliques c holding each node: the degree when the cliques share no edge, an upper bound
    /// otherwise (counting the distinct neighbours would cost Σ |c|², which the cover exists to avoid).
    /// </summary>
    public int[] Degree { get; }

    private int CliqueSize(int c) => CliqueStart[c + 1] - CliqueStart[c];
}

/// <summary>
/// Orderings that keep a symmetric matrix's envelope small, and the envelope an ordering gives. Reverse
/// Cuthill–McKee (George and Liu 1981, ch. 4): breadth-first from a pseudo-peripheral node of each connected
/// component, neighbours taken by increasing degree, the whole sequence then reversed.
/// </summary>
internal static class EnvelopeOrdering
{
    private const int PeripheralSearches = 8;

    /// <summary>The reverse Cuthill–McKee order: element k is the node placed k-th.</summary>
    public static int[] ReverseCuthillMcKee(CliqueGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        var order = new int[n];
        var search = new Search(graph);
        var placed = new bool[n];
        int count = 0;
        for (int v = 0; v < n; v++)
        {
            if (placed[v]) continue;
            int root = search.PseudoPeripheral(v);
            count = search.CuthillMcKee(root, order, count, placed);
        }
        if (count != n) throw new InvalidOperationException("the ordering missed nodes");
        Array.Reverse(order);
        return order;
    }

    /// <summary>Where each node's first column lies when the nodes, <paramref name="nodeSize"/> columns each, are laid out in <paramref name="order"/>.</summary>
    public static int[] NodeStarts(int[] order, int[] nodeSize)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(nodeSize);
        var start = new int[order.Length];
        for (int k = 0, col = 0; k < order.Length; k++)
        {
            start[order[k]] = col;
            col += nodeSize[order[k]];
        }
        return start;
    }

    /// <summary>
    /// The first column of each row of the envelope of the graph's matrix with its nodes laid out at
    /// <paramref name="nodeStart"/> (a node's columns together): a node's rows reach back to the first column of its
    /// earliest neighbour, or to its own.
    /// </summary>
    public static int[] EnvelopeFirst(CliqueGraph graph, int[] nodeStart, int[] nodeSize)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(nodeStart);
        ArgumentNullException.ThrowIfNull(nodeSize);
        int cliques = graph.CliqueStart.Length - 1;
        var cliqueMin = new int[cliques];
        for (int c = 0; c < cliques; c++)
        {
            int m = int.MaxValue;
            for (int k = graph.CliqueStart[c]; k < graph.CliqueStart[c + 1]; k++) m = Math.Min(m, nodeStart[graph.CliqueNodes[k]]);
            cliqueMin[c] = m;
        }
        int columns = 0;
        foreach (int s in nodeSize) columns += s;
        var first = new int[columns];
        for (int v = 0; v < graph.NodeCount; v++)
        {
            int f = nodeStart[v];
            for (int k = graph.NodeStart[v]; k < graph.NodeStart[v + 1]; k++) f = Math.Min(f, cliqueMin[graph.NodeCliques[k]]);
            first.AsSpan(nodeStart[v], nodeSize[v]).Fill(f);
        }
        return first;
    }

    /// <summary>Breadth-first searches over a clique cover, each clique expanded once per search.</summary>
    private sealed class Search
    {
        private readonly CliqueGraph _g;
        private readonly int[] _seen;
        private readonly int[] _expanded;
        private readonly int[] _level;
        private readonly int[] _queue;
        private readonly long[] _keys;
        private int _stamp;

        public Search(CliqueGraph graph)
        {
            _g = graph;
            _seen = new int[graph.NodeCount];
            _expanded = new int[graph.CliqueStart.Length - 1];
            _level = new int[graph.NodeCount];
            _queue = new int[graph.NodeCount];
            _keys = new long[graph.NodeCount];
        }

        /// <summary>George and Liu's search: from the start, repeatedly to a least-degree node of the last level while the height grows.</summary>
        public int PseudoPeripheral(int start)
        {
            int root = start;
            var (height, lastFrom, count) = LevelStructure(root);
            for (int attempt = 0; attempt < PeripheralSearches; attempt++)
            {
                int best = _queue[lastFrom];
                for (int k = lastFrom + 1; k < count; k++) if (_g.Degree[_queue[k]] < _g.Degree[best]) best = _queue[k];
                var (h, from, c) = LevelStructure(best);
                if (h <= height) break;
                (root, height, lastFrom, count) = (best, h, from, c);
            }
            return root;
        }

        /// <summary>The rooted level structure: its height, where its last level starts in the queue, and how many nodes it holds.</summary>
        private (int Height, int LastFrom, int Count) LevelStructure(int root)
        {
            int stamp = ++_stamp;
            int head = 0, tail = 0, lastFrom = 0, height = 0;
            _queue[tail++] = root;
            _seen[root] = stamp;
            _level[root] = 0;
            while (head < tail)
            {
                int u = _queue[head++];
                int lu = _level[u];
                if (lu > height)
                {
                    height = lu;
                    lastFrom = head - 1;
                }
                for (int k = _g.NodeStart[u]; k < _g.NodeStart[u + 1]; k++)
                {
                    int c = _g.NodeCliques[k];
                    if (_expanded[c] == stamp) continue;
                    _expanded[c] = stamp;
                    for (int m = _g.CliqueStart[c]; m < _g.CliqueStart[c + 1]; m++)
                    {
                        int v = _g.CliqueNodes[m];
                        if (_seen[v] == stamp) continue;
                        _seen[v] = stamp;
                        _level[v] = lu + 1;
                        _queue[tail++] = v;
                    }
                }
            }
            return (height, lastFrom, tail);
        }

        /// <summary>Appends root's component to <paramref name="order"/> in Cuthill–McKee order; returns the new length.</summary>
        public int CuthillMcKee(int root, int[] order, int count, bool[] placed)
        {
            int stamp = ++_stamp;
            int head = count;
            order[count++] = root;
            placed[root] = true;
            while (head < count)
            {
                int u = order[head++];
                int from = count;
                for (int k = _g.NodeStart[u]; k < _g.NodeStart[u + 1]; k++)
                {
                    int c = _g.NodeCliques[k];
                    if (_expanded[c] == stamp) continue;
                    _expanded[c] = stamp;
                    for (int m = _g.CliqueStart[c]; m < _g.CliqueStart[c + 1]; m++)
                    {
                        int v = _g.CliqueNodes[m];
                        if (placed[v]) continue;
                        placed[v] = true;
                        _keys[count - from] = ((long)_g.Degree[v] << 32) | (uint)v;
                        count++;
                    }
                }
                var keys = _keys.AsSpan(0, count - from);
                keys.Sort();
                for (int k = 0; k < keys.Length; k++) order[from + k] = (int)(keys[k] & 0xFFFF_FFFF);
            }
            return count;
        }
    }
}
