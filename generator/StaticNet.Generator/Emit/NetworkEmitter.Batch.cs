using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The batched kernels: the samples of a batch go through the network in blocks of <c>BatchBlock</c>, each layer as one
/// matrix operation on the block, so that every load of a weight row serves several samples.
/// </summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>Samples whose gradient rows share each load and store of a row of dLoss/dW (and of W when propagating).</summary>
    private const int BackwardTile = 4;

    private void WriteBatchDrivers()
    {
        _w.WriteLine("/// <summary>Forward pass of <paramref name=\"count\"/> samples stored row by row, a block of samples at a time.</summary>");
        using (KernelBlock($"public static void ForwardBatch(ref {T} p, ref {T} x, ref {T} acts, ref {T} y, int count)"))
        {
            using (_w.WriteBlock("for (int start = 0; start < count; start += BatchBlock)"))
            {
                _w.WriteLine("int m = global::System.Math.Min(BatchBlock, count - start);");
                _w.WriteLine($"ref {T} xb = ref At(ref x, (nuint)start * InputSize);");
                _w.WriteLine($"ref {T} yb = ref At(ref y, (nuint)start * OutputSize);");
                WriteForwardBlockCalls("ref yb", "OutputSize");
            }
        }

        _w.WriteLine();
        string labels = IsClassifier ? ", ref int labels" : string.Empty;
        _w.WriteLines($$"""
            /// <summary>
            /// Backpropagates <paramref name="count"/> samples stored row by row, a block of samples at a time: each layer's
            /// forward and backward pass is one matrix operation on the block. Adds the mean of dLoss/dParameters into
            /// <paramref name="g"/> and returns the mean loss.{{(IsClassifier ? " With <paramref name=\"labels\"/> (not a null reference) the targets are one-hot rows built from them." : string.Empty)}}
            /// </summary>
            """);
        using (KernelBlock($"public static {T} BackwardBatch(ref {T} p, ref {T} g, ref {T} x, ref {T} t{labels}, int count, ref {T} scratch)"))
        {
            _w.WriteLine($"ref {T} acts = ref scratch;");
            _w.WriteLine($"ref {T} delta0 = ref At(ref scratch, BatchBlock * ActivationsLength);");
            _w.WriteLine($"ref {T} delta1 = ref At(ref delta0, BatchBlock * DeltaLength);");
            if (IsClassifier)
            {
                _w.WriteLine($"ref {T} oneHot = ref At(ref delta1, BatchBlock * DeltaLength);");
            }

            _w.WriteLine($"{T} scale = {_s.Literal(1)} / count;");
            _w.WriteLine($"{T} loss = {_s.Literal(0)};");
            using (_w.WriteBlock("for (int start = 0; start < count; start += BatchBlock)"))
            {
                _w.WriteLine("int m = global::System.Math.Min(BatchBlock, count - start);");
                _w.WriteLine($"ref {T} xb = ref At(ref x, (nuint)start * InputSize);");
                if (IsClassifier)
                {
                    _w.WriteLine($"ref {T} tb = ref {Unsafe}.IsNullRef(ref labels) ? ref At(ref t, (nuint)start * OutputSize) : ref OneHotRows(ref oneHot, ref {Unsafe}.Add(ref labels, start), m);");
                }
                else
                {
                    _w.WriteLine($"ref {T} tb = ref At(ref t, (nuint)start * OutputSize);");
                }

                WriteForwardBlockCalls(Offset("acts", _plan.OutputLayer.OutputOffset), "ActivationsLength");
                _w.WriteLines($$"""
                    for (nuint s = 0; s < (nuint)m; s++)
                    {
                        ref {{T}} dz = ref At(ref delta0, s * DeltaLength);
                        loss += OutputGradient(ref At(ref acts, s * ActivationsLength + OutputOffset), ref At(ref tb, s * OutputSize), ref dz);
                        for (nuint j = 0; j < OutputSize; j++)
                        {
                            At(ref dz, j) *= scale;
                        }
                    }

                    """);
                for (int i = _plan.Layers.Count - 1; i >= 0; i--)
                {
                    LayerPlan layer = _plan.Layers[i];
                    (string current, string below) = Deltas(layer);
                    string input = BlockInputOf(layer);
                    string propagate = layer.IsFirst ? string.Empty : $", ref {below}";
                    _w.WriteLine($"BackwardBlockLayer{layer.Number}(ref p, ref g, {input}, ref {current}{propagate}, m);");
                }
            }

            _w.WriteLine();
            _w.WriteLine("return loss * scale;");
        }

        if (IsClassifier)
        {
            _w.WriteLine();
            _w.WriteLine("/// <summary>Writes one-hot rows for <paramref name=\"count\"/> labels into <paramref name=\"rows\"/> and returns it.</summary>");
            using (_w.WriteBlock($"private static ref {T} OneHotRows(ref {T} rows, ref int labels, int count)"))
            {
                _w.WriteLine("Clear(ref rows, count * OutputSize);");
                using (_w.WriteBlock("for (int s = 0; s < count; s++)"))
                {
                    _w.WriteLine($"At(ref rows, (nuint)s * OutputSize + (nuint){Unsafe}.Add(ref labels, s)) = {_s.Literal(1)};");
                }

                _w.WriteLine();
                _w.WriteLine("return ref rows;");
            }
        }

        _w.WriteLine();
    }

    /// <summary>Calls ForwardBlockLayerN for every layer on the block <c>xb</c> of <c>m</c> samples; the last writes to <paramref name="output"/> (a ref expression).</summary>
    private void WriteForwardBlockCalls(string output, string outputStride)
    {
        foreach (LayerPlan layer in _plan.Layers)
        {
            string input = BlockInputOf(layer);
            string destination = layer == _plan.OutputLayer
                ? $"{output}, {outputStride}"
                : $"{Offset("acts", layer.OutputOffset)}, ActivationsLength";
            _w.WriteLine($"ForwardBlockLayer{layer.Number}(ref p, {input}, {destination}, m);");
        }
    }

    /// <summary>The rows a layer reads in a block, and their stride: the block's inputs, or the block's activations of the layer below.</summary>
    private string BlockInputOf(LayerPlan layer) => layer.IsFirst ? "ref xb, InputSize" : $"{InputOf(layer)}, ActivationsLength";

    private void WriteForwardBlockLayer(LayerPlan layer)
    {
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, on a block of samples: for each row x_s (rows xStride apart) y_s = {layer.Activation}(W x_s + b) (rows yStride apart); bit for bit what ForwardLayer{layer.Number} computes per sample.</summary>");
        using (KernelBlock($"private static void ForwardBlockLayer{layer.Number}(ref {T} p, ref {T} x, nuint xStride, ref {T} y, nuint yStride, int count)"))
        {
            WriteWideDispatch(layer, $"ForwardBlockLayer{layer.Number}Wide(ref p, ref x, xStride, ref y, yStride, count);");
            WriteLayerPrologue(layer, gradients: false);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
                _w.WriteLine("nuint s = 0;");
                if (layer.TileSamples > 1)
                {
                    _w.WriteLine($"// {layer.TileSamples} samples at a time share each load of the weight row.");
                    using (_w.WriteBlock($"for (; s + {layer.TileSamples} <= (nuint)count; s += {layer.TileSamples})"))
                    {
                        WriteTileDot(layer);
                    }

                    _w.WriteLine();
                }

                using (_w.WriteBlock("for (; s < (nuint)count; s++)"))
                {
                    _w.WriteLine($"ref {T} xs = ref At(ref x, s * xStride);");
                    WriteDot(layer, "xs");
                    _w.WriteLine($"At(ref y, s * yStride + o) = {ActivateInline(layer.Activation, "z")};");
                }
            }

            if (HasActivationPass(layer.Activation) || layer.Activation == ActivationKind.Softmax)
            {
                _w.WriteLine();
                using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
                {
                    WriteRowFinish(layer, "ref At(ref y, s * yStride)");
                }
            }
        }

        _w.WriteLine();
    }

    /// <summary>
    /// The inner products of one output with <c>TileSamples</c> samples: each sample has the accumulators the
    /// single-sample kernel has, filled in the same order, so that the results are the same to the bit.
    /// </summary>
    private void WriteTileDot(LayerPlan layer)
    {
        int samples = layer.TileSamples;
        int k = layer.AccumulatorsPerSample;
        IEnumerable<int> all = Enumerable.Range(0, samples);
        foreach (int s in all)
        {
            _w.WriteLine($"ref {T} x{s} = ref At(ref x, {(s == 0 ? "s" : $"(s + {s})")} * xStride);");
        }

        for (int a = 0; a < k; a++)
        {
            _w.WriteLine($"{_s.Vector} {string.Join(", ", all.Select(s => $"acc{s}_{a} = {_s.Vector}.Zero"))};");
        }

        if (layer.UnrolledChunks > 0)
        {
            for (int c = 0; c < layer.UnrolledChunks; c++)
            {
                using (_w.WriteBlock($"if ({ChunkEnd(c)} <= In)"))
                {
                    WriteTileChunk(samples, ChunkOffset(c), c % k);
                }
            }

            WriteTileSums(layer);
            using (_w.WriteBlock("for (nuint i = In / VectorSize * VectorSize; i < In; i++)"))
            {
                WriteTileTail(samples);
            }
        }
        else
        {
            _w.WriteLine("nuint i = 0;");
            if (k > 1)
            {
                using (_w.WriteBlock($"for (; i + {k} * VectorSize <= In; i += {k} * VectorSize)"))
                {
                    for (int a = 0; a < k; a++)
                    {
                        WriteTileChunk(samples, a switch { 0 => "i", 1 => "i + VectorSize", _ => $"i + {a} * VectorSize" }, a);
                    }
                }

                _w.WriteLine();
            }

            using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
            {
                WriteTileChunk(samples, "i", 0);
            }

            _w.WriteLine();
            WriteTileSums(layer);
            using (_w.WriteBlock("for (; i < In; i++)"))
            {
                WriteTileTail(samples);
            }
        }

        _w.WriteLine();
        foreach (int s in all)
        {
            _w.WriteLine($"At(ref y, {(s == 0 ? "s" : $"(s + {s})")} * yStride + o) = {ActivateInline(layer.Activation, $"z{s}")};");
        }
    }

    private void WriteTileChunk(int samples, string at, int accumulator)
    {
        _w.WriteLine($"{_s.Vector} w{accumulator} = Load(ref row, {at});");
        for (int s = 0; s < samples; s++)
        {
            _w.WriteLine($"acc{s}_{accumulator} += w{accumulator} * Load(ref x{s}, {at});");
        }
    }

    private void WriteTileSums(LayerPlan layer)
    {
        for (int s = 0; s < layer.TileSamples; s++)
        {
            string sum = layer.AccumulatorsPerSample switch
            {
                1 => $"acc{s}_0",
                2 => $"acc{s}_0 + acc{s}_1",
                _ => $"(acc{s}_0 + acc{s}_1) + (acc{s}_2 + acc{s}_3)",
            };
            _w.WriteLine($"{T} z{s} = At(ref b, o) + global::System.Numerics.Vector.Sum({sum});");
        }
    }

    private void WriteTileTail(int samples)
    {
        _w.WriteLine($"{T} weight = At(ref row, i);");
        for (int s = 0; s < samples; s++)
        {
            _w.WriteLine($"z{s} += weight * At(ref x{s}, i);");
        }
    }

    private void WriteBackwardBlockLayer(LayerPlan layer)
    {
        string below = layer.IsFirst ? string.Empty : $", and writes dLoss/dz of layer {layer.Number - 1} for every sample into dx";
        _w.WriteLine($"/// <summary>{LayerTitle(layer)}, backward on a block of samples (dz and dx rows DeltaLength apart, x rows xStride apart): adds Σ_s dz_s x_sᵀ to dLoss/dW and Σ_s dz_s to dLoss/db{below}.</summary>");
        string dx = layer.IsFirst ? string.Empty : $", ref {T} dx";
        using (KernelBlock($"private static void BackwardBlockLayer{layer.Number}(ref {T} p, ref {T} g, ref {T} x, nuint xStride, ref {T} dz{dx}, int count)"))
        {
            WriteWideDispatch(layer, $"BackwardBlockLayer{layer.Number}Wide(ref p, ref g, ref x, xStride, ref dz{(layer.IsFirst ? string.Empty : ", ref dx")}, count);");
            WriteLayerPrologue(layer, gradients: true, weights: !layer.IsFirst);
            using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
            {
                _w.WriteLine($"ref {T} gradientRow = ref At(ref gw, o * In);");
                _w.WriteLine("nuint s = 0;");
                using (_w.WriteBlock($"for (; s + {BackwardTile} <= (nuint)count; s += {BackwardTile})"))
                {
                    WriteBackwardTileFactors("x");
                    _w.WriteLine($"At(ref gb, o) += {string.Join(" + ", Tile().Select(s => $"d{s}"))};");
                    _w.WriteLine("nuint i = 0;");
                    using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
                    {
                        _w.WriteLine($"Store(Load(ref gradientRow, i) + {string.Join(" + ", Tile().Select(s => $"dv{s} * Load(ref x{s}, i)"))}, ref gradientRow, i);");
                    }

                    _w.WriteLine();
                    using (_w.WriteBlock("for (; i < In; i++)"))
                    {
                        _w.WriteLine($"At(ref gradientRow, i) += {string.Join(" + ", Tile().Select(s => $"d{s} * At(ref x{s}, i)"))};");
                    }
                }

                _w.WriteLine();
                using (_w.WriteBlock("for (; s < (nuint)count; s++)"))
                {
                    _w.WriteLine($"{T} d = At(ref dz, s * DeltaLength + o);");
                    _w.WriteLine($"{_s.Vector} dv = new {_s.Vector}(d);");
                    _w.WriteLine($"ref {T} xs = ref At(ref x, s * xStride);");
                    _w.WriteLine("At(ref gb, o) += d;");
                    WriteLoopAxpy("gradientRow", "d", "dv", "xs");
                }
            }

            if (!layer.IsFirst)
            {
                _w.WriteLine();
                WriteBlockPropagation(layer);
            }
        }

        _w.WriteLine();
    }

    /// <summary>dx_s = Wᵀ dz_s for every sample of the block, then through the activation of the layer below.</summary>
    private void WriteBlockPropagation(LayerPlan layer)
    {
        _w.WriteLine($"// dLoss/dz of layer {layer.Number - 1}: dx_s = Wᵀ dz_s, {BackwardTile} samples sharing each load of a weight row.");
        using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
        {
            _w.WriteLine("Clear(ref At(ref dx, s * DeltaLength), In);");
        }

        _w.WriteLine();
        using (_w.WriteBlock("for (nuint o = 0; o < Out; o++)"))
        {
            _w.WriteLine($"ref {T} row = ref At(ref w, o * In);");
            _w.WriteLine("nuint s = 0;");
            using (_w.WriteBlock($"for (; s + {BackwardTile} <= (nuint)count; s += {BackwardTile})"))
            {
                WriteBackwardTileFactors("dx");
                _w.WriteLine("nuint i = 0;");
                using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
                {
                    _w.WriteLine($"{_s.Vector} weights = Load(ref row, i);");
                    foreach (int s in Tile())
                    {
                        _w.WriteLine($"Store(Load(ref dx{s}, i) + dv{s} * weights, ref dx{s}, i);");
                    }
                }

                _w.WriteLine();
                using (_w.WriteBlock("for (; i < In; i++)"))
                {
                    _w.WriteLine($"{T} weight = At(ref row, i);");
                    foreach (int s in Tile())
                    {
                        _w.WriteLine($"At(ref dx{s}, i) += d{s} * weight;");
                    }
                }
            }

            _w.WriteLine();
            using (_w.WriteBlock("for (; s < (nuint)count; s++)"))
            {
                _w.WriteLine($"{T} d = At(ref dz, s * DeltaLength + o);");
                _w.WriteLine($"{_s.Vector} dv = new {_s.Vector}(d);");
                _w.WriteLine($"ref {T} dxs = ref At(ref dx, s * DeltaLength);");
                WriteLoopAxpy("dxs", "d", "dv", "row");
            }
        }

        string? derivative = _s.Derivative(layer.InputActivation!.Value, "At(ref dxs, i)", "At(ref xs, i)");
        if (derivative is not null)
        {
            _w.WriteLine();
            _w.WriteLine($"// Through the activation of layer {layer.Number - 1} ({layer.InputActivation}), from its outputs x.");
            using (_w.WriteBlock("for (nuint s = 0; s < (nuint)count; s++)"))
            {
                _w.WriteLine($"ref {T} dxs = ref At(ref dx, s * DeltaLength);");
                _w.WriteLine($"ref {T} xs = ref At(ref x, s * xStride);");
                using (_w.WriteBlock("for (nuint i = 0; i < In; i++)"))
                {
                    _w.WriteLine($"At(ref dxs, i) = {derivative};");
                }
            }
        }
    }

    /// <summary>Declares d0..d3 (dz of the tile's samples for output o), their vectors and the tile's rows of <paramref name="rows"/>.</summary>
    private void WriteBackwardTileFactors(string rows)
    {
        string stride = rows == "x" ? "xStride" : "DeltaLength";
        foreach (int s in Tile())
        {
            string sample = s == 0 ? "s" : $"(s + {s})";
            _w.WriteLine($"{T} d{s} = At(ref dz, {sample} * DeltaLength + o);");
            _w.WriteLine($"{_s.Vector} dv{s} = new {_s.Vector}(d{s});");
            _w.WriteLine($"ref {T} {rows}{s} = ref At(ref {rows}, {sample} * {stride});");
        }
    }

    /// <summary>Writes <c>target[0..In) += scalar * source[0..In)</c> as a vector loop and a scalar tail.</summary>
    private void WriteLoopAxpy(string target, string scalar, string vector, string source)
    {
        _w.WriteLine("nuint i = 0;");
        using (_w.WriteBlock("for (; i + VectorSize <= In; i += VectorSize)"))
        {
            _w.WriteLine($"Store(Load(ref {target}, i) + {vector} * Load(ref {source}, i), ref {target}, i);");
        }

        _w.WriteLine();
        using (_w.WriteBlock("for (; i < In; i++)"))
        {
            _w.WriteLine($"At(ref {target}, i) += {scalar} * At(ref {source}, i);");
        }
    }

    private static IEnumerable<int> Tile() => Enumerable.Range(0, BackwardTile);
}
