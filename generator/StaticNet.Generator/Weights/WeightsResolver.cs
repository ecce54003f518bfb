using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Weights;

/// <summary>
/// Finds the file a <c>Weights</c> argument names among the weights files, validates it against the declared topology
/// with the rules of the runtime library's <c>SafeTensors.Load</c>, and converts its values to the network's precision
/// and parameter layout. Both pipeline branches call it: the code branch for the values, the diagnostics branch for the
/// problem and its location. Pure: no I/O, never throws on bad input.
/// </summary>
internal static class WeightsResolver
{
    /// <summary>The values to bake into a valid network that declares <c>Weights</c>, or null (no Weights, or a problem the diagnostics branch reports).</summary>
    public static BakedWeights? Bake(NetworkSpec spec, EquatableArray<WeightsFile> files, CancellationToken cancellationToken) =>
        spec.IsValid && spec.Weights is not null
            ? Resolve(spec.Weights, spec.WeightNames, spec.InputSize, spec.Layers, spec.Precision, spec.Type.Target.Name, files, convert: true, cancellationToken, out _)
            : null;

    /// <summary>
    /// The diagnostic of a <c>Weights</c> argument: an error if its file is missing, invalid or does not fit, a warning
    /// (SNET0021) if its values, in the network's precision, include NaN or infinities.
    /// </summary>
    public static EquatableArray<DiagnosticInfo> Check(WeightsRequest request, EquatableArray<WeightsFile> files, CancellationToken cancellationToken)
    {
        Resolve(request.Path, request.LayerNames, request.InputSize, request.Layers, request.Precision, request.NetworkName, files, convert: true, cancellationToken, out Problem? problem);
        return problem is null
            ? EquatableArray<DiagnosticInfo>.Empty
            : new EquatableArray<DiagnosticInfo>([new DiagnosticInfo(problem.Descriptor, request.Tree, request.Span, new EquatableArray<string>(problem.Arguments))]);
    }

    /// <summary>Why a Weights argument cannot be baked: the descriptor and its message arguments.</summary>
    internal sealed class Problem(DiagnosticDescriptor descriptor, params string[] arguments)
    {
        public DiagnosticDescriptor Descriptor { get; } = descriptor;

        public string[] Arguments { get; } = arguments;
    }

    private static BakedWeights? Resolve(
        string path,
        EquatableArray<string> layerNames,
        int inputSize,
        EquatableArray<LayerSpec> layers,
        Precision precision,
        string network,
        EquatableArray<WeightsFile> files,
        bool convert,
        CancellationToken cancellationToken,
        out Problem? problem)
    {
        WeightsFile? file = Find(path, files, out problem);
        if (file is null)
        {
            return null;
        }

        if (file.Error is not null)
        {
            problem = new Problem(DiagnosticDescriptors.WeightsFileInvalid, path, file.Error);
            return null;
        }

        byte[]? values = ReadValues(file.Content.AsSpan(), path, layerNames, inputSize, layers, precision, network, convert, cancellationToken, out problem);
        return values is null ? null : new BakedWeights(path, System.Convert.ToBase64String(values), values.Length);
    }

    /// <summary>
    /// Validates a whole safetensors file against the topology and, when <paramref name="convert"/>, returns the
    /// parameters as little-endian bytes of the network's scalar type in the parameter layout. Null with the
    /// <paramref name="problem"/> when the file is invalid or does not fit (or when not converting). Values that are NaN or
    /// infinite in the network's precision are returned too, with the warning SNET0021 as the <paramref name="problem"/>.
    /// </summary>
    internal static byte[]? ReadValues(
        ReadOnlySpan<byte> bytes,
        string path,
        EquatableArray<string> layerNames,
        int inputSize,
        EquatableArray<LayerSpec> layers,
        Precision precision,
        string network,
        bool convert,
        CancellationToken cancellationToken,
        out Problem? problem)
    {
        problem = null;
        string? error = SafeTensorsReader.TryRead(bytes, out SafeTensorsHeader? header, out int dataStart);
        if (error is not null)
        {
            problem = new Problem(DiagnosticDescriptors.WeightsFileInvalid, path, error);
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string description = $"{network} ({string.Join(" -> ", new[] { inputSize }.Concat(layers.Select(layer => layer.Outputs)).Select(size => size.ToString(CultureInfo.InvariantCulture)))})";
        bool sequence = layers.Any(layer => layer.Kind != LayerKind.Dense);
        string[]? prefixes = layerNames.Count > 0 ? layerNames.ToArray()
            : sequence ? SafeTensorsHeader.IndexedModuleNames(header!.Tensors, layers.Select(layer => layer.Tensors.Select(tensor => tensor.Name).ToArray()).ToArray(), layers.Select(Describe).ToArray(), out error)
            : SequentialPrefixes(header!.Tensors, layers.Count, out error);
        if (prefixes is null)
        {
            problem = new Problem(DiagnosticDescriptors.WeightsMismatch, description, $"in '{path}', {error}");
            return null;
        }

        Dictionary<string, TensorEntry> byName = header!.ByName;

        // Every tensor of every layer, in the order of the parameters.
        var found = new List<TensorEntry>();
        for (int layer = 0; layer < layers.Count; layer++)
        {
            LayerSpec spec = layers[layer];
            string role = sequence ? $"layer {layer + 1}, {Describe(spec)}" : $"layer {layer + 1}, {spec.Inputs} -> {spec.Outputs}";
            foreach (ParameterTensorShape expected in spec.Tensors)
            {
                TensorEntry? tensor = Lookup(byName, prefixes[layer] + "." + expected.Name, role, path, description, ref problem);
                if (tensor is null || !Fits(tensor, expected.Shape.Select(dimension => (long)dimension).ToArray(), $"the {Role(expected.Name)} of {role}", path, description, ref problem))
                {
                    return null;
                }

                found.Add(tensor);
            }
        }

        if (!convert)
        {
            return null;
        }

        int elementSize = precision == Precision.Double ? 8 : 4;
        long parameterCount = layers.Sum(layer => layer.ParameterCount);
        var output = new byte[parameterCount * elementSize];
        int offset = 0;
        foreach (TensorEntry tensor in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            offset = Convert(bytes.Slice(dataStart), tensor, precision, output, offset);
        }

        problem = NonFinite(output, precision, found, path);
        return output;
    }

    /// <summary>The warning SNET0021 when converted values are NaN or infinite (an F64 value beyond the float range is infinite in a float network), or null.</summary>
    private static Problem? NonFinite(byte[] values, Precision precision, List<TensorEntry> tensors, string path)
    {
        int size = precision == Precision.Double ? 8 : 4;
        int count = 0, first = -1;
        for (int i = 0; i < values.Length / size; i++)
        {
            // Little-endian: the exponent is in the last two bytes; all ones means NaN or an infinity.
            int top = values[(i * size) + size - 1] & 0x7F, next = values[(i * size) + size - 2];
            bool finite = size == 8 ? top != 0x7F || (next & 0xF0) != 0xF0 : top != 0x7F || (next & 0x80) == 0;
            if (!finite)
            {
                first = count++ == 0 ? i : first;
            }
        }

        if (count == 0)
        {
            return null;
        }

        int start = 0;
        foreach (TensorEntry tensor in tensors)
        {
            int length = (int)(tensor.Length / tensor.ElementSize);
            if (first < start + length)
            {
                double value = size == 8 ? ReadDouble(values.AsSpan(first * 8)) : ReadSingle(values.AsSpan(first * 4));
                string shown = double.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
                return new Problem(DiagnosticDescriptors.WeightsNotFinite, path, count.ToString(CultureInfo.InvariantCulture), tensor.Name, (first - start).ToString(CultureInfo.InvariantCulture), shown);
            }

            start += length;
        }

        return null;
    }

    private static WeightsFile? Find(string path, EquatableArray<WeightsFile> files, out Problem? problem)
    {
        problem = null;
        string wanted = Normalize(path);
        foreach (WeightsFile file in files)
        {
            if (file.Converted && (Normalize(file.ProjectPath) == wanted || Normalize(file.FullPath) == wanted))
            {
                return file;
            }
        }

        foreach (WeightsFile file in files)
        {
            string full = Normalize(file.FullPath);
            if (!file.Converted && wanted.Length > 0 && (full == wanted || full.EndsWith("/" + wanted, StringComparison.Ordinal)))
            {
                problem = new Problem(DiagnosticDescriptors.WeightsFileNotFound, path,
                    "it is an AdditionalFiles item, but it reached the compiler as a binary file, which a source generator cannot read: build/StaticNet.targets of the StaticNet package did not convert it");
                return null;
            }
        }

        string[] known = files.Where(file => file.Converted && file.ProjectPath.Length > 0).Select(file => file.ProjectPath).OrderBy(name => name, StringComparer.Ordinal).ToArray();
        problem = new Problem(DiagnosticDescriptors.WeightsFileNotFound, path,
            known.Length == 0 ? "it is not among the project's AdditionalFiles" : "it is not among the project's AdditionalFiles, whose weights files are " + string.Join(", ", known.Select(name => $"'{name}'")));
        return null;
    }

    /// <summary>Separators as '/', no '.' segments, '..' folded; so that 'models\\a.safetensors' and './models/a.safetensors' match.</summary>
    internal static string Normalize(string path)
    {
        string slashed = path.Replace('\\', '/');
        var parts = new List<string>();
        foreach (string part in slashed.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        return (slashed.StartsWith("/", StringComparison.Ordinal) ? "/" : string.Empty) + string.Join("/", parts);
    }

    /// <summary>As the runtime's: every tensor is <c>{index}.weight</c> or <c>{index}.bias</c>, each index has both, one index per layer, in index order.</summary>
    private static string[]? SequentialPrefixes(IReadOnlyList<TensorEntry> tensors, int layerCount, out string? error)
    {
        error = null;
        var indices = new SortedDictionary<int, (bool Weight, bool Bias)>();
        foreach (TensorEntry tensor in tensors)
        {
            int dot = tensor.Name.IndexOf('.');
            string index = dot < 0 ? string.Empty : tensor.Name.Substring(0, dot);
            string parameter = dot < 0 ? string.Empty : tensor.Name.Substring(dot + 1);
            if (!IsCanonicalIndex(index) || parameter is not ("weight" or "bias"))
            {
                error = $"tensor '{tensor.Name}' is not the weight or bias of a layer of an nn.Sequential (named like '0.weight', '0.bias', '2.weight')";
                return null;
            }

            int key = int.Parse(index, NumberStyles.None, CultureInfo.InvariantCulture);
            indices.TryGetValue(key, out (bool Weight, bool Bias) found);
            indices[key] = parameter == "weight" ? (true, found.Bias) : (found.Weight, true);
        }

        foreach (KeyValuePair<int, (bool Weight, bool Bias)> pair in indices)
        {
            if (!pair.Value.Weight || !pair.Value.Bias)
            {
                error = $"module {pair.Key} has a '{(pair.Value.Weight ? "weight" : "bias")}' but no '{(pair.Value.Weight ? "bias" : "weight")}' tensor; every layer needs both";
                return null;
            }
        }

        if (indices.Count != layerCount)
        {
            string found = indices.Count == 0 ? "none" : string.Join(", ", indices.Keys);
            error = $"the file holds {indices.Count} Linear layers (modules {found}), but the network has {layerCount}";
            return null;
        }

        return indices.Keys.Select(index => index.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>A layer of a sequence network, in messages: <c>Gru 4 -&gt; 8</c>.</summary>
    private static string Describe(LayerSpec layer) => $"{layer.Kind} {layer.Inputs} -> {layer.Outputs}";

    /// <summary>What a tensor is, in messages: "weights" for <c>weight</c>, "bias" for <c>bias</c>, else its name.</summary>
    private static string Role(string tensor) => tensor switch
    {
        "weight" => "weights",
        _ => tensor,
    };

    private static bool IsCanonicalIndex(string text) =>
        text.Length is > 0 and <= 9 && text.All(c => c is >= '0' and <= '9') && (text.Length == 1 || text[0] != '0');

    private static TensorEntry? Lookup(Dictionary<string, TensorEntry> byName, string name, string role, string path, string network, ref Problem? problem)
    {
        if (byName.TryGetValue(name, out TensorEntry? tensor))
        {
            return tensor;
        }

        string[] present = byName.Keys.OrderBy(key => key, StringComparer.Ordinal).ToArray();
        string list = present.Length == 0 ? "no tensors" : string.Join(", ", present.Take(12).Select(key => $"'{key}'")) + (present.Length > 12 ? ", …" : string.Empty);
        problem = new Problem(DiagnosticDescriptors.WeightsMismatch, network, $"in '{path}', there is no tensor '{name}' for {role}; the file has {list}");
        return null;
    }

    private static bool Fits(TensorEntry tensor, long[] expected, string role, string path, string network, ref Problem? problem)
    {
        if (!SafeTensorsHeader.IsLoadable(tensor.DType))
        {
            problem = new Problem(DiagnosticDescriptors.WeightsDTypeNotSupported, path, tensor.Name, tensor.DTypeName);
            return false;
        }

        if (!tensor.Shape.SequenceEqual(expected))
        {
            problem = new Problem(DiagnosticDescriptors.WeightsMismatch, network,
                $"in '{path}', tensor '{tensor.Name}' ({role}) has shape {tensor.ShapeText}, but the network needs {TensorEntry.FormatShape(expected)}");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Writes the tensor's values as little-endian <see cref="float"/> or <see cref="double"/> from element
    /// <paramref name="offset"/> on; returns the offset after them. The same conversions as the runtime: the bits as they
    /// are when the dtype is the network's own, F64 to float rounds to nearest, F16 and BF16 widen exactly.
    /// </summary>
    private static int Convert(ReadOnlySpan<byte> data, TensorEntry tensor, Precision precision, byte[] output, int offset)
    {
        ReadOnlySpan<byte> source = data.Slice((int)tensor.Begin, (int)(tensor.End - tensor.Begin));
        int count = source.Length / tensor.ElementSize;
        int elementSize = precision == Precision.Double ? 8 : 4;
        Span<byte> destination = output.AsSpan(offset * elementSize, count * elementSize);
        if ((tensor.DType == TensorDType.F32 && precision == Precision.Single) || (tensor.DType == TensorDType.F64 && precision == Precision.Double))
        {
            source.CopyTo(destination);
            return offset + count;
        }

        for (int i = 0; i < count; i++)
        {
            double value = tensor.DType switch
            {
                TensorDType.F32 => ReadSingle(source.Slice(4 * i)),
                TensorDType.F64 => ReadDouble(source.Slice(8 * i)),
                TensorDType.F16 => HalfToSingle((ushort)(source[2 * i] | (source[(2 * i) + 1] << 8))),
                _ => BFloat16ToSingle((ushort)(source[2 * i] | (source[(2 * i) + 1] << 8))),
            };
            if (precision == Precision.Double)
            {
                WriteLittleEndian(destination.Slice(8 * i, 8), value);
            }
            else
            {
                WriteLittleEndian(destination.Slice(4 * i, 4), (float)value);
            }
        }

        return offset + count;
    }

    private static float ReadSingle(ReadOnlySpan<byte> bytes)
    {
        Span<byte> copy = stackalloc byte[4];
        bytes.Slice(0, 4).CopyTo(copy);
        if (!BitConverter.IsLittleEndian)
        {
            copy.Reverse();
        }

        return MemoryMarshal.Read<float>(copy);
    }

    private static double ReadDouble(ReadOnlySpan<byte> bytes)
    {
        Span<byte> copy = stackalloc byte[8];
        bytes.Slice(0, 8).CopyTo(copy);
        if (!BitConverter.IsLittleEndian)
        {
            copy.Reverse();
        }

        return MemoryMarshal.Read<double>(copy);
    }

    private static void WriteLittleEndian<T>(Span<byte> destination, T value)
        where T : struct
    {
        MemoryMarshal.Write(destination, ref value);
        if (!BitConverter.IsLittleEndian)
        {
            destination.Reverse();
        }
    }

    private static float BitsToSingle(int bits)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, ref bits);
        return MemoryMarshal.Read<float>(bytes);
    }

    /// <summary>IEEE 754 binary16 to binary32, exactly (as <c>(float)Half</c>: NaNs come out quiet with their payload).</summary>
    internal static float HalfToSingle(ushort half)
    {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0)
        {
            // Zero or subnormal: mantissa · 2^-24, exact in a float.
            float magnitude = mantissa * (1f / 16777216f);
            return sign != 0 ? -magnitude : magnitude;
        }

        if (exponent == 31)
        {
            return BitsToSingle(sign | 0x7F800000 | (mantissa == 0 ? 0 : 0x400000 | (mantissa << 13)));
        }

        return BitsToSingle(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /// <summary>bfloat16 is the upper half of a binary32.</summary>
    internal static float BFloat16ToSingle(ushort value) => BitsToSingle(value << 16);
}
