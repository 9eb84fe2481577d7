using FastMlm.LinearAlgebra;

namespace FastMlm.Models;

internal sealed partial class ProfiledLmm
{
    /// <summary>
    /// The rest block's envelope, fixed at construction: the level order, the pattern, and the maps between the
    /// natural columns (term by term, level by level) and the envelope's.
    /// </summary>
    private sealed class RestEnvelope
    {
        private RestEnvelope(EnvelopePattern pattern, int[] position, int[] termAt, int[] unitStart, int[] unitTerm, int[] unitFirst,
            int[] blockOrder, int[] blockPosition, int levelValues, int qMax, int work)
        {
            Pattern = pattern;
            Position = position;
            TermAt = termAt;
            UnitStart = unitStart;
            UnitTerm = unitTerm;
            UnitFirst = unitFirst;
            BlockOrder = blockOrder;
            BlockPosition = blockPosition;
            LevelValues = new double[levelValues];
            QMax = qMax;
            BlockScratch = new double[qMax * (qMax + 1)];
            Work = new double[work];
        }

        /// <summary>The envelope, in the envelope's column order.</summary>
        public EnvelopePattern Pattern { get; }

        /// <summary>The envelope column of each natural rest column.</summary>
        public int[] Position { get; }

        /// <summary>The rest term of each envelope column.</summary>
        public int[] TermAt { get; }

        /// <summary>Levels in envelope order: each one's first column ...</summary>
        public int[] UnitStart { get; }

        /// <summary>... its term ...</summary>
        public int[] UnitTerm { get; }

        /// <summary>... and the earliest level its rows reach back to.</summary>
        public int[] UnitFirst { get; }

        /// <summary>Each lead level's blocks of L21 (indices into them), sorted by envelope position.</summary>
        public int[] BlockOrder { get; }

        /// <summary>The envelope column where each of <see cref="BlockOrder"/>'s blocks starts.</summary>
        public int[] BlockPosition { get; }

        /// <summary>Scratch: one lead level's block values.</summary>
        public double[] LevelValues { get; }

        /// <summary>The most columns a rest level has.</summary>
        public int QMax { get; }

        /// <summary>Scratch: a q×q block and a row.</summary>
        public double[] BlockScratch { get; }

        /// <summary>Scratch: m2 × (p+1), vectors in envelope order.</summary>
        public double[] Work { get; }

        /// <summary>
        /// The smaller of the natural order's and reverse Cuthill–McKee's envelopes; null when even that would hold
        /// more values than an array can.
        /// </summary>
        public static RestEnvelope? Build(ProfiledLmm model)
        {
            var terms = model._terms;
            int m2 = model._m2;
            // Nodes: the rest terms' levels, term by term (the natural order).
            var unitBase = new int[terms.Length];
            int units = 0;
            for (int t = 1; t < terms.Length; t++)
            {
                unitBase[t] = units;
                units += terms[t].Levels;
            }
            var unitSize = new int[units];
            var unitTermNatural = new int[units];
            for (int t = 1; t < terms.Length; t++)
            {
                unitSize.AsSpan(unitBase[t], terms[t].Levels).Fill(terms[t].Q);
                unitTermNatural.AsSpan(unitBase[t], terms[t].Levels).Fill(t);
            }
            // Cliques: each lead level's blocks.
            var ptr = model._blockPtr;
            var blockUnit = new int[model._blockRow.Length];
            for (int e = 0; e < blockUnit.Length; e++)
            {
                var term = terms[model._blockTerm[e]];
                blockUnit[e] = unitBase[model._blockTerm[e]] + ((model._blockRow[e] - term.Offset) / term.Q);
            }
            var graph = new CliqueGraph(units, ptr, blockUnit);

            var natural = Enumerable.Range(0, units).ToArray();
            var rcm = EnvelopeOrdering.ReverseCuthillMcKee(graph);
            int[]? bestOrder = null, bestStart = null, bestFirst = null;
            long bestCount = long.MaxValue;
            foreach (var order in new[] { natural, rcm })
            {
                var start = EnvelopeOrdering.NodeStarts(order, unitSize);
                var first = EnvelopeOrdering.EnvelopeFirst(graph, start, unitSize);
                long count = 0;
                for (int i = 0; i < first.Length; i++) count += i - first[i] + 1;
                if (count < bestCount)
                {
                    (bestOrder, bestStart, bestFirst, bestCount) = (order, start, first, count);
                }
            }
            if (bestCount > Array.MaxLength) return null;
            var pattern = EnvelopePattern.Tiled(bestFirst!);

            var position = new int[m2];
            var termAt = new int[m2];
            for (int u = 0; u < units; u++)
            {
                var term = terms[unitTermNatural[u]];
                int naturalStart = term.Offset + ((u - unitBase[unitTermNatural[u]]) * term.Q);
                for (int k = 0; k < term.Q; k++)
                {
                    position[naturalStart + k] = bestStart![u] + k;
                    termAt[bestStart[u] + k] = unitTermNatural[u];
                }
            }
            var unitStart = new int[units];
            var unitTerm = new int[units];
            var unitAtColumn = new int[m2];
            for (int k = 0; k < units; k++)
            {
                int u = bestOrder![k];
                unitStart[k] = bestStart![u];
                unitTerm[k] = unitTermNatural[u];
                unitAtColumn.AsSpan(unitStart[k], unitSize[u]).Fill(k);
            }
            var unitFirst = new int[units];
            for (int k = 0; k < units; k++)
            {
                // The tiling may lower the first column of some of a level's rows only: the earliest of them counts.
                int earliest = int.MaxValue;
                for (int c = 0; c < terms[unitTerm[k]].Q; c++) earliest = Math.Min(earliest, pattern.First[unitStart[k] + c]);
                unitFirst[k] = unitAtColumn[earliest];
            }

            var blockOrder = new int[blockUnit.Length];
            var blockPosition = new int[blockUnit.Length];
            int widest = 0;
            for (int g = 0; g + 1 < ptr.Length; g++)
            {
                int k0 = ptr[g], k1 = ptr[g + 1];
                widest = Math.Max(widest, k1 - k0);
                for (int k = k0; k < k1; k++)
                {
                    blockOrder[k] = k;
                    blockPosition[k] = position[model._blockRow[k]];
                }
                Array.Sort(blockPosition, blockOrder, k0, k1 - k0);
            }
            int qMax = terms.Skip(1).Max(t => t.Q);
            return new RestEnvelope(pattern, position, termAt, unitStart, unitTerm, unitFirst, blockOrder, blockPosition,
                widest, qMax, m2);
        }
    }
}
