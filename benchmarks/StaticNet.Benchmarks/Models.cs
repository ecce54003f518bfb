using System;
using System.IO;
using System.Reflection;

namespace StaticNet.Benchmarks;

/// <summary>
/// The benchmark networks' files, written by <c>benchmarks/models/export_models.py</c> from one PyTorch module per
/// topology and embedded in this assembly (so that BenchmarkDotNet's child processes find them wherever they run):
/// <c>{name}.safetensors</c>, the module's <c>state_dict</c>, and <c>{name}.onnx</c>, the same module exported to ONNX.
/// </summary>
public static class Models
{
    /// <summary>A network of type <typeparamref name="TNet"/> with the weights of <c>{TNet}.safetensors</c>.</summary>
    public static TNet Create<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = TNet.Create(seed: 1);
        using Stream file = Open(typeof(TNet).Name + ".safetensors");
        SafeTensors.Load(net, file);
        return net;
    }

    /// <summary>The bytes of <c>{name}.onnx</c>.</summary>
    public static byte[] Onnx(string name)
    {
        using Stream file = Open(name + ".onnx");
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }

    private static Stream Open(string file) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("models/" + file)
        ?? throw new FileNotFoundException($"The embedded model '{file}' is missing: run benchmarks/models/export_models.py.", file);
}
