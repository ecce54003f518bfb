using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Weights;

/// <summary>
/// A weights file the generator can see: either the text form of a <c>.safetensors</c> file that StaticNet's build step
/// (build/StaticNet.targets) wrote for it, or a raw <c>.safetensors</c> AdditionalFiles item that reached the compiler
/// unconverted (its content is never read: a binary file's bytes do not survive the compiler's text decoding).
/// </summary>
/// <param name="FullPath">The full path of the original <c>.safetensors</c> file.</param>
/// <param name="ProjectPath">Its path relative to the project folder, as a <c>Weights</c> argument names it.</param>
/// <param name="Content">The bytes of the original file (empty when <paramref name="Converted"/> is false or on error).</param>
/// <param name="Error">Why the converted file could not be read, or null.</param>
/// <param name="Converted">Whether this is the converted text form.</param>
internal sealed record WeightsFile(string FullPath, string ProjectPath, EquatableArray<byte> Content, string? Error, bool Converted)
{
    /// <summary>The extension of the original files.</summary>
    public const string RawExtension = ".safetensors";

    /// <summary>The extension of the text form the build step writes under obj/.</summary>
    public const string ConvertedExtension = ".safetensors.base64";

    /// <summary>The first line of the text form, with its version.</summary>
    public const string Magic = "staticnet-weights 1";

    public static bool IsWeightsFile(string path) =>
        path.EndsWith(RawExtension, StringComparison.OrdinalIgnoreCase) || path.EndsWith(ConvertedExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads one AdditionalFiles item. The text form is four parts separated by line breaks: the magic line, the full
    /// path of the original file, its project-relative path, then the file's bytes in base64 (in lines).
    /// </summary>
    public static WeightsFile Read(AdditionalText text, CancellationToken cancellationToken)
    {
        if (!text.Path.EndsWith(ConvertedExtension, StringComparison.OrdinalIgnoreCase))
        {
            return new WeightsFile(text.Path, string.Empty, EquatableArray<byte>.Empty, null, Converted: false);
        }

        SourceText? source = text.GetText(cancellationToken);
        if (source is null)
        {
            return Damaged(text.Path, "the build step's text form of it could not be read");
        }

        string content = source.ToString();
        string[] lines = content.Split(['\n'], 4);
        if (lines.Length < 4 || lines[0].TrimEnd('\r') != Magic)
        {
            return Damaged(text.Path, "the build step's text form of it is damaged; rebuild the project");
        }

        string fullPath = lines[1].TrimEnd('\r');
        string projectPath = lines[2].TrimEnd('\r');
        try
        {
            return new WeightsFile(fullPath, projectPath, new EquatableArray<byte>(Convert.FromBase64String(lines[3])), null, Converted: true);
        }
        catch (FormatException)
        {
            return new WeightsFile(fullPath, projectPath, EquatableArray<byte>.Empty, "the build step's text form of it is damaged; rebuild the project", Converted: true);
        }
    }

    private static WeightsFile Damaged(string path, string error) => new(path, string.Empty, EquatableArray<byte>.Empty, error, Converted: true);
}

/// <summary>What a <c>[Network]</c> declaration asks of its <c>Weights</c>, with where to report a problem.</summary>
/// <param name="Path">The <c>Weights</c> argument.</param>
/// <param name="LayerNames">The <c>WeightNames</c> argument, or empty for <c>nn.Sequential</c> names.</param>
/// <param name="LayerSizes">The declared layer sizes.</param>
/// <param name="Scalar">The precision the values are converted to.</param>
/// <param name="NetworkName">The network type, for messages.</param>
/// <param name="Tree">The syntax tree of the <c>Weights</c> argument (a tree, not a Location: keeps #pragma working).</param>
/// <param name="Span">The span of the <c>Weights</c> argument.</param>
internal sealed record WeightsRequest(
    string Path,
    EquatableArray<string> LayerNames,
    int InputSize,
    EquatableArray<Layers.LayerSpec> Layers,
    Precision Precision,
    string NetworkName,
    SyntaxTree? Tree,
    TextSpan Span);

/// <summary>Parameter values read from a weights file at build time, in the network's precision and parameter layout.</summary>
/// <param name="Path">The <c>Weights</c> argument, for the generated documentation.</param>
/// <param name="Base64">The values as little-endian bytes, in base64: what the generated code embeds.</param>
/// <param name="ByteCount">The number of bytes the base64 text decodes to.</param>
internal sealed record BakedWeights(string Path, string Base64, int ByteCount);

/// <summary>A network to emit: its spec and, when it declares valid <c>Weights</c>, the values baked in.</summary>
internal sealed record NetworkSource(NetworkSpec Spec, BakedWeights? Weights);
