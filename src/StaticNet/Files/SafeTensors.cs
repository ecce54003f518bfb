using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace StaticNet;

/// <summary>
/// Saves and loads the parameters of any generated network as a
/// <see href="https://github.com/huggingface/safetensors">safetensors</see> file, with PyTorch <c>state_dict</c> names,
/// so that a model trained in PyTorch loads as it is and a StaticNet model loads into PyTorch.
/// </summary>
/// <remarks>
/// <para>
/// Layer <c>i</c> (0-based) is stored as two tensors, <c>{name}.weight</c> of shape <c>[out, in]</c> and
/// <c>{name}.bias</c> of shape <c>[out]</c>, where <c>name</c> is the module name of the layer. By default the names are
/// those of an <c>nn.Sequential</c> whose Linear layers alternate with activation modules: <see cref="Save{TNet, T}(INetwork{TNet, T}, string, IReadOnlyList{string}?)"/>
/// writes <c>0</c>, <c>2</c>, <c>4</c>, …, and <see cref="Load{TNet, T}(INetwork{TNet, T}, string, IReadOnlyList{string}?, bool)"/> accepts
/// any <c>nn.Sequential</c> numbering (the Linear layers in the order of their indices, whatever modules without
/// parameters lie between them). Pass <c>layerNames</c> (for example <c>["fc1", "fc2", "out"]</c>) for other module
/// structures; then tensors of other modules in the file are ignored.
/// </para>
/// <para>
/// A sequence network (<see cref="ISequenceNetwork{TSelf, T}"/>) has overloads of its own, with PyTorch's names for each
/// layer kind: <c>{name}.weight</c> <c>[out, in, kernel]</c> and <c>{name}.bias</c> for a
/// Conv1D layer (<c>nn.Conv1d</c>); <c>{name}.weight_ih_l0</c> <c>[G·H, in]</c>, <c>{name}.weight_hh_l0</c> <c>[G·H, H]</c>,
/// <c>{name}.bias_ih_l0</c> and <c>{name}.bias_hh_l0</c> <c>[G·H]</c> for a GRU (<c>nn.GRU</c>, G = 3) or LSTM
/// (<c>nn.LSTM</c>, G = 4) layer; <c>{name}.weight</c> and <c>{name}.bias</c> for a Dense layer (<c>nn.Linear</c>). Give
/// the module names of a PyTorch model as <c>layerNames</c>, e.g. <c>["conv", "rnn", "head"]</c> for one with attributes
/// <c>self.conv</c>, <c>self.rnn</c> and <c>self.head</c>. Without names, the layers are numbered modules, one per layer,
/// as in an <c>nn.ModuleList</c>: <c>Save</c> writes <c>0</c>, <c>1</c>, <c>2</c>, … and <c>Load</c> takes the numbered
/// modules in index order, each of which must hold exactly its layer's tensors.
/// </para>
/// <para>
/// Loading reads <c>F32</c> and <c>F64</c> tensors into <see cref="float"/> and <see cref="double"/> networks (a
/// <c>F64</c> value is rounded to the nearest <see cref="float"/>) and <c>F16</c> and <c>BF16</c> tensors with exact
/// conversion. The whole file is parsed and validated, and the parameters are read into a temporary buffer, before the
/// network is touched: if anything is wrong the network is unchanged and an <see cref="InvalidDataException"/> says
/// what (for a mismatch: the tensor, the expected and the found shape or dtype). Hostile input (a header length larger
/// than the file, overlapping offsets, huge shapes, invalid JSON, duplicate names, truncated data) is rejected in the
/// same way, without allocating more than a small multiple of the header and the network's own parameter count; a
/// header is capped at 100 MB, 100,000 tensors and 64 dimensions per shape. NaN and infinite values are refused too,
/// unless <c>allowNonFinite</c> is given. The header rules are shared, as one source file, with the generator that bakes
/// <c>Weights</c> files in at compile time.
/// </para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The <c>__metadata__</c> key that holds the layer sizes, e.g. <c>"784,128,64,10"</c>.</summary>
    public const string LayersMetadataKey = "staticnet.layers";

    /// <summary>The <c>__metadata__</c> key that holds one activation per layer, e.g. <c>"ReLU,ReLU,Softmax"</c>.</summary>
    public const string ActivationsMetadataKey = "staticnet.activations";

    /// <summary>The <c>__metadata__</c> key that holds the loss, e.g. <c>"CrossEntropy"</c>.</summary>
    public const string LossMetadataKey = "staticnet.loss";

    /// <summary>The <c>__metadata__</c> key that holds the precision, <c>"Single"</c> or <c>"Double"</c>.</summary>
    public const string PrecisionMetadataKey = "staticnet.precision";

    /// <summary>
    /// The <c>__metadata__</c> key that holds the whole topology of a sequence network (<see cref="NetworkTopology.ToString"/>,
    /// e.g. <c>"1 -&gt; Conv1D(4, k=3, d=2, Tanh) -&gt; Gru(8) -&gt; Dense(1, Identity), MeanSquaredError, Single"</c>); a dense
    /// network's file does not have it.
    /// </summary>
    public const string TopologyMetadataKey = "staticnet.topology";

    private const int ChunkLength = 64 * 1024;

    /// <summary>
    /// Saves every parameter of <paramref name="network"/> to <paramref name="path"/>, atomically: the file is written
    /// under a temporary name in the same folder, flushed to disk, then renamed over <paramref name="path"/>, so that a
    /// crash never leaves a half-written file in place of a good one.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The temporary file is <c>.{name}.{random}.tmp</c> (for a name too long for that, a prefix of the name and a hash
    /// of all of it take the name's place, so that any name the file system allows can be saved). A save that is killed
    /// leaves its temporary file behind; the next save of the same file deletes every such file that no save still has
    /// open.
    /// </para>
    /// <para>
    /// When <paramref name="path"/> is a symbolic link, the file it points to (through any chain of links) is replaced
    /// and the link stays, as editors do. On Unix the new file gets the permissions of the file it replaces (a read-only
    /// <c>0400</c> file stays <c>0400</c>); a new file gets the default permissions. The owner is the saving user's.
    /// </para>
    /// </remarks>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred); saved as <c>F32</c> for <see cref="float"/>, <c>F64</c> for <see cref="double"/>.</typeparam>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to write; it is replaced if it exists.</param>
    /// <param name="layerNames">The module name of each layer, or <see langword="null"/> for <c>0</c>, <c>2</c>, <c>4</c>, … (an <c>nn.Sequential</c> of Linear layers and activations).</param>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer, or <paramref name="path"/> names a folder.</exception>
    /// <exception cref="IOException">The file cannot be written; <paramref name="path"/> is then unchanged.</exception>
    public static void Save<TNet, T>(INetwork<TNet, T> network, string path, IReadOnlyList<string>? layerNames = null)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Save(network, path, layerNames, static stream => stream);

    /// <summary>As <see cref="Save{TNet, T}(INetwork{TNet, T}, string, IReadOnlyList{string}?)"/>, with a hook that wraps the file stream (tests inject failures with it).</summary>
    internal static void Save<TNet, T>(INetwork<TNet, T> network, string path, IReadOnlyList<string>? layerNames, Func<Stream, Stream> wrap)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        SaveFile(TNet.Topology, network.Parameters, path, SaveNames(TNet.Topology, layerNames), wrap);
    }

    /// <summary>
    /// Saves every parameter of the sequence network <paramref name="network"/> to <paramref name="path"/>, atomically, as
    /// <see cref="Save{TNet, T}(INetwork{TNet, T}, string, IReadOnlyList{string}?)"/> does: each layer's tensors under
    /// PyTorch's names (<c>{name}.weight</c> and <c>{name}.bias</c> for Conv1D and Dense layers, <c>{name}.weight_ih_l0</c>,
    /// <c>{name}.weight_hh_l0</c>, <c>{name}.bias_ih_l0</c> and <c>{name}.bias_hh_l0</c> for GRU and LSTM layers).
    /// </summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred); saved as <c>F32</c> for <see cref="float"/>, <c>F64</c> for <see cref="double"/>.</typeparam>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to write; it is replaced if it exists.</param>
    /// <param name="layerNames">The module name of each layer, e.g. <c>["conv", "rnn", "head"]</c> for a PyTorch module with attributes <c>self.conv</c>, <c>self.rnn</c> and <c>self.head</c>; or <see langword="null"/> for <c>0</c>, <c>1</c>, <c>2</c>, … (an <c>nn.ModuleList</c> of one module per layer).</param>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer, or <paramref name="path"/> names a folder.</exception>
    /// <exception cref="IOException">The file cannot be written; <paramref name="path"/> is then unchanged.</exception>
    public static void Save<TNet, T>(ISequenceNetwork<TNet, T> network, string path, IReadOnlyList<string>? layerNames = null)
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        SaveFile(TNet.Topology, network.Parameters, path, SaveNames(TNet.Topology, layerNames), static stream => stream);
    }

    /// <summary>Writes a file atomically: the body of every Save to a path.</summary>
    private static void SaveFile<T>(NetworkTopology topology, ReadOnlySpan<T> parameters, string path, string[] names, Func<Stream, Stream> wrap)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string target = ResolveTarget(path);
        string folder = Path.GetDirectoryName(target)!;
        string stem = TemporaryStem(Path.GetFileName(target));
        string temporary = Path.Combine(folder, "." + stem + "." + Path.GetRandomFileName() + ".tmp");
        UnixFileMode? mode = !OperatingSystem.IsWindows() && File.Exists(target) ? File.GetUnixFileMode(target) : null;
        try
        {
            // Open and locked (exclusively: FileShare.None is an flock on Unix) until it has been renamed, so that another
            // save's clean-up never takes it for the leftover of a killed save. Windows renames an open file only if it
            // is shared for deletion, which still keeps every other reader and writer out.
            using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None, ChunkLength);
            Stream stream = wrap(file);
            Write(topology, parameters, stream, names);
            stream.Flush();
            file.Flush(flushToDisk: true);
            if (!OperatingSystem.IsWindows() && mode is UnixFileMode kept)
            {
                File.SetUnixFileMode(file.SafeFileHandle, kept);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        RemoveStaleTemporaries(folder, stem);
    }

    /// <summary>The full path of the file to replace: <paramref name="path"/>, or the file a symbolic link there points to.</summary>
    private static string ResolveTarget(string path)
    {
        string target = Path.GetFullPath(path);
        if (Path.EndsInDirectorySeparator(target) || Directory.Exists(target))
        {
            throw new ArgumentException($"'{path}' names a folder, not a file: give the path of the file to write.", nameof(path));
        }

        if (new FileInfo(target).LinkTarget is not null && new FileInfo(target).ResolveLinkTarget(returnFinalTarget: true) is FileSystemInfo final)
        {
            target = final.FullName;
            if (Directory.Exists(target))
            {
                throw new ArgumentException($"'{path}' is a link to the folder '{target}', not to a file: give the path of the file to write.", nameof(path));
            }
        }

        return target;
    }

    /// <summary>
    /// What stands for the file name in its temporary files' names, <c>.{stem}.{8.3 random}.tmp</c>: the name itself, or,
    /// when that would pass the 255 bytes that most file systems allow a name (in UTF-8), the longest prefix of it that
    /// fits beside <c>~</c> and a 64-bit hash of the whole name. The same name always gives the same stem.
    /// </summary>
    internal static string TemporaryStem(string fileName)
    {
        const int Limit = 255, Overhead = 1 + 1 + 12 + 4, HashLength = 1 + 16;
        if (System.Text.Encoding.UTF8.GetByteCount(fileName) + Overhead <= Limit)
        {
            return fileName;
        }

        // FNV-1a over the UTF-16 code units: stable across processes and machines (string.GetHashCode is not).
        ulong hash = 14695981039346656037UL;
        foreach (char c in fileName)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        int length = 0, bytes = 0;
        while (length < fileName.Length)
        {
            int step = char.IsHighSurrogate(fileName[length]) && length + 1 < fileName.Length ? 2 : 1;
            int size = System.Text.Encoding.UTF8.GetByteCount(fileName.AsSpan(length, step));
            if (bytes + size > Limit - Overhead - HashLength)
            {
                break;
            }

            bytes += size;
            length += step;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{fileName[..length]}~{hash:x16}");
    }

    /// <summary>
    /// Deletes the temporary files of <paramref name="stem"/> that killed saves left behind: those that no save has open.
    /// A live save holds its temporary file locked until it has renamed it, so opening it exclusively fails; a file that
    /// opens is deleted when that handle closes. Symbolic links are left alone (a save never makes one). Best effort:
    /// what cannot be read or deleted stays.
    /// </summary>
    private static void RemoveStaleTemporaries(string folder, string stem)
    {
        string prefix = "." + stem + ".";
        try
        {
            var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, MatchType = MatchType.Simple, RecurseSubdirectories = false };
            foreach (string path in Directory.EnumerateFiles(folder, "*.tmp", options))
            {
                string name = Path.GetFileName(path);
                if (!IsTemporaryName(name, prefix) || new FileInfo(path).LinkTarget is not null)
                {
                    continue;
                }

                try
                {
                    // Read access is enough for the lock and the deletion (the folder's permission), so a leftover that
                    // had already been given a read-only target's mode goes too.
                    using var stale = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException)
                {
                    // Another save is writing it (or it went away meanwhile).
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="prefix"/> followed by a <see cref="Path.GetRandomFileName"/> (8.3 of a-z, 0-9) and <c>.tmp</c>.</summary>
    private static bool IsTemporaryName(string name, string prefix)
    {
        if (name.Length != prefix.Length + 12 + 4 || !name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 0; i < 12; i++)
        {
            char c = name[prefix.Length + i];
            if (i == 8 ? c != '.' : !(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes every parameter of <paramref name="network"/> to <paramref name="destination"/> in the safetensors format.</summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred); saved as <c>F32</c> for <see cref="float"/>, <c>F64</c> for <see cref="double"/>.</typeparam>
    /// <param name="network">The network to save.</param>
    /// <param name="destination">The stream to write to, from its current position; it is not closed.</param>
    /// <param name="layerNames">The module name of each layer, or <see langword="null"/> for <c>0</c>, <c>2</c>, <c>4</c>, … (an <c>nn.Sequential</c> of Linear layers and activations).</param>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    public static void Save<TNet, T>(INetwork<TNet, T> network, Stream destination, IReadOnlyList<string>? layerNames = null)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        Write(TNet.Topology, network.Parameters, destination, SaveNames(TNet.Topology, layerNames));
    }

    /// <summary>Writes every parameter of the sequence network <paramref name="network"/> to <paramref name="destination"/> in the safetensors format, with PyTorch's names.</summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred); saved as <c>F32</c> for <see cref="float"/>, <c>F64</c> for <see cref="double"/>.</typeparam>
    /// <param name="network">The network to save.</param>
    /// <param name="destination">The stream to write to, from its current position; it is not closed.</param>
    /// <param name="layerNames">The module name of each layer, e.g. <c>["conv", "rnn", "head"]</c>, or <see langword="null"/> for <c>0</c>, <c>1</c>, <c>2</c>, … (an <c>nn.ModuleList</c> of one module per layer).</param>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    public static void Save<TNet, T>(ISequenceNetwork<TNet, T> network, Stream destination, IReadOnlyList<string>? layerNames = null)
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        Write(TNet.Topology, network.Parameters, destination, SaveNames(TNet.Topology, layerNames));
    }

    /// <summary>
    /// Loads every parameter of <paramref name="network"/> from the safetensors file at <paramref name="path"/>; nothing
    /// changes unless the whole file is valid and fits the network.
    /// </summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred).</typeparam>
    /// <param name="network">The network whose parameters are replaced.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="layerNames">The module name of each layer (tensors <c>{name}.weight</c> and <c>{name}.bias</c>), or <see langword="null"/> for the Linear layers of an <c>nn.Sequential</c> (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …) in index order.</param>
    /// <param name="allowNonFinite">Whether NaN and infinite values are loaded; by default they are refused (<see cref="InvalidDataException"/>), since a network computes NaN from them.</param>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, its tensors do not fit the network, or (unless <paramref name="allowNonFinite"/>) it holds a NaN or infinite value; the network is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load<TNet, T>(INetwork<TNet, T> network, string path, IReadOnlyList<string>? layerNames = null, bool allowNonFinite = false)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkLength, FileOptions.SequentialScan);
        Load(network, file, layerNames, allowNonFinite);
    }

    /// <summary>
    /// Loads every parameter of <paramref name="network"/> from a safetensors file in <paramref name="source"/>, read from
    /// its current position to its end; nothing changes unless the whole file is valid and fits the network.
    /// </summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred).</typeparam>
    /// <param name="network">The network whose parameters are replaced.</param>
    /// <param name="source">The stream to read; it need not be seekable, and it is not closed.</param>
    /// <param name="layerNames">The module name of each layer (tensors <c>{name}.weight</c> and <c>{name}.bias</c>), or <see langword="null"/> for the Linear layers of an <c>nn.Sequential</c> (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …) in index order.</param>
    /// <param name="allowNonFinite">Whether NaN and infinite values are loaded; by default they are refused (<see cref="InvalidDataException"/>), since a network computes NaN from them.</param>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, its tensors do not fit the network, or (unless <paramref name="allowNonFinite"/>) it holds a NaN or infinite value; the network is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    public static void Load<TNet, T>(INetwork<TNet, T> network, Stream source, IReadOnlyList<string>? layerNames = null, bool allowNonFinite = false)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(source);
        Read(TNet.Topology, typeof(TNet).Name, network.Parameters, source, layerNames, allowNonFinite);
    }

    /// <summary>
    /// Loads every parameter of the sequence network <paramref name="network"/> from the safetensors file at
    /// <paramref name="path"/>, as <see cref="Load{TNet, T}(INetwork{TNet, T}, string, IReadOnlyList{string}?, bool)"/> does;
    /// nothing changes unless the whole file is valid and fits the network.
    /// </summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred).</typeparam>
    /// <param name="network">The network whose parameters are replaced.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="layerNames">
    /// The module name of each layer, e.g. <c>["conv", "rnn", "head"]</c> for a PyTorch module with attributes
    /// <c>self.conv</c>, <c>self.rnn</c> and <c>self.head</c> (tensors <c>conv.weight</c>, <c>rnn.weight_ih_l0</c>, …); other
    /// modules' tensors in the file are then ignored. Or <see langword="null"/> for numbered modules (an <c>nn.ModuleList</c>:
    /// <c>0.weight</c>, <c>1.weight_ih_l0</c>, …, in index order), each with exactly its layer's tensors.
    /// </param>
    /// <param name="allowNonFinite">Whether NaN and infinite values are loaded; by default they are refused (<see cref="InvalidDataException"/>), since a network computes NaN from them.</param>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, its tensors do not fit the network (the message names the tensor), or (unless <paramref name="allowNonFinite"/>) it holds a NaN or infinite value; the network is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load<TNet, T>(ISequenceNetwork<TNet, T> network, string path, IReadOnlyList<string>? layerNames = null, bool allowNonFinite = false)
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkLength, FileOptions.SequentialScan);
        Load(network, file, layerNames, allowNonFinite);
    }

    /// <summary>
    /// Loads every parameter of the sequence network <paramref name="network"/> from a safetensors file in
    /// <paramref name="source"/>, read from its current position to its end; nothing changes unless the whole file is valid
    /// and fits the network.
    /// </summary>
    /// <typeparam name="TNet">The generated network type (inferred).</typeparam>
    /// <typeparam name="T">The network's scalar type (inferred).</typeparam>
    /// <param name="network">The network whose parameters are replaced.</param>
    /// <param name="source">The stream to read; it need not be seekable, and it is not closed.</param>
    /// <param name="layerNames">The module name of each layer, e.g. <c>["conv", "rnn", "head"]</c>, or <see langword="null"/> for numbered modules (<c>0.weight</c>, <c>1.weight_ih_l0</c>, …, in index order).</param>
    /// <param name="allowNonFinite">Whether NaN and infinite values are loaded; by default they are refused (<see cref="InvalidDataException"/>), since a network computes NaN from them.</param>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, its tensors do not fit the network (the message names the tensor), or (unless <paramref name="allowNonFinite"/>) it holds a NaN or infinite value; the network is unchanged.</exception>
    /// <exception cref="ArgumentException"><paramref name="layerNames"/> does not have one distinct, non-empty name per layer.</exception>
    public static void Load<TNet, T>(ISequenceNetwork<TNet, T> network, Stream source, IReadOnlyList<string>? layerNames = null, bool allowNonFinite = false)
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(source);
        Read(TNet.Topology, typeof(TNet).Name, network.Parameters, source, layerNames, allowNonFinite);
    }

    /// <summary>The body of every Load: validates the whole file against <paramref name="topology"/>, then fills <paramref name="destination"/>.</summary>
    private static void Read<T>(NetworkTopology topology, string networkName, Span<T> destination, Stream source, IReadOnlyList<string>? layerNames, bool allowNonFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[]? names = LayerNames(layerNames, topology.LayerCount, nameof(layerNames));

        long available = source.CanSeek ? source.Length - source.Position : -1;
        Span<byte> prefix = stackalloc byte[8];
        if (!ReadFully(source, prefix))
        {
            throw Invalid(SafeTensorsHeader.ShorterThanPrefix);
        }

        if (available is >= 0 and < 8)
        {
            // A stream that gives more than the length it reports (a device such as /dev/zero, whose length is 0): its
            // length means nothing, so it is read as a stream of unknown length.
            available = -1;
        }

        ulong headerLength = SafeTensorsHeader.ReadHeaderLength(prefix);
        if (SafeTensorsHeader.CheckHeaderLength(headerLength, available >= 0 ? available - 8 : -1) is string lengthError)
        {
            throw Invalid(lengthError);
        }

        if (SafeTensorsHeader.TryParse(ReadHeader(source, (int)headerLength, exact: available >= 0), out SafeTensorsHeader? header) is string headerError)
        {
            throw Invalid(headerError);
        }

        if (available >= 0 && SafeTensorsHeader.CheckDataLength(header!.DataLength, available - 8 - (long)headerLength) is string dataError)
        {
            throw Invalid(dataError);
        }

        List<PlacedTensor> tensors = Resolve(header!, topology, names, networkName);

        // Everything is known to fit: read into a temporary buffer of the network's own size, check, then copy.
        var parameters = new T[destination.Length];
        ReadParameters(source, header!, tensors, parameters, seekable: available >= 0);
        if (!allowNonFinite)
        {
            ThrowIfNotFinite(parameters, tensors);
        }

        parameters.CopyTo(destination);
    }

    private static void Write<T>(NetworkTopology topology, ReadOnlySpan<T> values, Stream destination, string[] names)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string dtype = typeof(T) == typeof(float) ? "F32" : typeof(T) == typeof(double) ? "F64"
            : throw new NotSupportedException($"StaticNet saves float and double networks, not {typeof(T).Name}.");
        ReadOnlySpan<int> sizes = topology.LayerSizes;
        int elementSize = Unsafe.SizeOf<T>();

        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(SafeTensorsHeader.MetadataKey);
            writer.WriteString("format", "pt");
            writer.WriteString(LayersMetadataKey, string.Join(",", sizes.ToArray().Select(size => size.ToString(CultureInfo.InvariantCulture))));
            writer.WriteString(ActivationsMetadataKey, string.Join(",", topology.Activations.ToArray()));
            writer.WriteString(LossMetadataKey, topology.Loss.ToString());
            writer.WriteString(PrecisionMetadataKey, topology.Precision.ToString());
            if (topology.IsSequence)
            {
                writer.WriteString(TopologyMetadataKey, topology.ToString());
            }

            writer.WriteEndObject();

            long offset = 0;
            for (int layer = 0; layer < names.Length; layer++)
            {
                NetworkLayer spec = topology.Layers[layer];
                foreach (ParameterTensorShape tensor in ParameterLayout.Of(spec.Kind, sizes[layer], spec.Size, spec.KernelSize))
                {
                    offset = WriteTensor(writer, names[layer] + "." + tensor.Name, dtype, tensor.Shape, offset, tensor.Count * elementSize);
                }
            }

            writer.WriteEndObject();
        }

        // The reference implementation pads the header with spaces so that the data starts 8-byte aligned.
        int padding = (8 - (json.WrittenCount % 8)) % 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(json.WrittenCount + padding));
        destination.Write(prefix);
        destination.Write(json.WrittenSpan);
        for (int i = 0; i < padding; i++)
        {
            destination.WriteByte((byte)' ');
        }

        if (BitConverter.IsLittleEndian)
        {
            destination.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkLength);
        for (int start = 0; start < values.Length; start += ChunkLength / 8)
        {
            ReadOnlySpan<T> part = values.Slice(start, Math.Min(ChunkLength / 8, values.Length - start));
            for (int i = 0; i < part.Length; i++)
            {
                if (elementSize == 4)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), float.CreateTruncating(part[i]));
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(chunk.AsSpan(8 * i), double.CreateTruncating(part[i]));
                }
            }

            destination.Write(chunk, 0, part.Length * elementSize);
        }

        ArrayPool<byte>.Shared.Return(chunk);
    }

    private static long WriteTensor(Utf8JsonWriter writer, string name, string dtype, int[] shape, long begin, long length)
    {
        writer.WriteStartObject(name);
        writer.WriteString("dtype", dtype);
        writer.WriteStartArray("shape");
        foreach (int dimension in shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data_offsets");
        writer.WriteNumberValue(begin);
        writer.WriteNumberValue(begin + length);
        writer.WriteEndArray();
        writer.WriteEndObject();
        return begin + length;
    }

    /// <summary>A tensor of the file and where its values go in the parameters.</summary>
    private readonly record struct PlacedTensor(TensorEntry Tensor, int Offset);

    /// <summary>
    /// Finds every tensor of every layer (the layer kind's tensors of <see cref="ParameterLayout"/>) and checks its dtype and
    /// shape against the network; returns them in the order of the parameters.
    /// </summary>
    private static List<PlacedTensor> Resolve(SafeTensorsHeader header, NetworkTopology topology, string[]? names, string networkName)
    {
        ReadOnlySpan<int> sizes = topology.LayerSizes;
        int layerCount = topology.LayerCount;
        bool sequence = topology.IsSequence;
        IReadOnlyDictionary<string, TensorEntry> byName = header.ByName;

        string network = $"{networkName} ({string.Join(" -> ", sizes.ToArray())})";
        names ??= sequence ? ModulePrefixes(header, topology, network) : SequentialPrefixes(header, layerCount, network);
        var tensors = new List<PlacedTensor>();
        int offset = 0;
        for (int layer = 0; layer < layerCount; layer++)
        {
            NetworkLayer spec = topology.Layers[layer];
            int inputs = sizes[layer], outputs = sizes[layer + 1];
            string role = sequence ? $"layer {layer + 1} of {network}, {spec}" : $"layer {layer + 1} of {network}, {inputs} -> {outputs}";
            foreach (ParameterTensorShape expected in ParameterLayout.Of(spec.Kind, inputs, outputs, spec.KernelSize))
            {
                TensorEntry tensor = Find(byName, names[layer] + "." + expected.Name, role, network);
                Check(tensor, expected.Shape.Select(dimension => (long)dimension).ToArray(), $"the {Role(expected.Name)} of {role}");
                tensors.Add(new PlacedTensor(tensor, offset));
                offset += (int)expected.Count;
            }
        }

        return tensors;
    }

    /// <summary>What a tensor is, in messages: "weights" for <c>weight</c>, else its name (<c>bias</c>, <c>weight_ih_l0</c>, …).</summary>
    private static string Role(string tensor) => tensor == "weight" ? "weights" : tensor;

    private static TensorEntry Find(IReadOnlyDictionary<string, TensorEntry> byName, string name, string role, string network)
    {
        if (byName.TryGetValue(name, out TensorEntry? tensor))
        {
            return tensor;
        }

        string present = string.Join(", ", byName.Keys.Order(StringComparer.Ordinal).Take(12).Select(key => $"'{key}'"));
        throw Mismatch(network, $"there is no tensor '{name}' for {role}; the file has {(byName.Count == 0 ? "no tensors" : present + (byName.Count > 12 ? ", …" : string.Empty))}");
    }

    private static void Check(TensorEntry tensor, long[] expected, string role)
    {
        if (!SafeTensorsHeader.IsLoadable(tensor.DType))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' ({role}) has dtype {tensor.DTypeName}; StaticNet loads F32, F64, F16 and BF16 tensors.");
        }

        if (!tensor.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}' ({role}) has shape {tensor.ShapeText}, but the network needs {TensorEntry.FormatShape(expected)}.");
        }
    }

    /// <summary>
    /// The module names of the Linear layers of an <c>nn.Sequential</c>: every tensor must be <c>{index}.weight</c> or
    /// <c>{index}.bias</c>, each index must have both, and there must be one index per layer; they are taken in index order.
    /// </summary>
    private static string[] SequentialPrefixes(SafeTensorsHeader header, int layerCount, string network)
    {
        var indices = new SortedDictionary<int, (bool Weight, bool Bias)>();
        foreach (TensorEntry tensor in header.Tensors)
        {
            int dot = tensor.Name.IndexOf('.', StringComparison.Ordinal);
            string index = dot < 0 ? string.Empty : tensor.Name[..dot];
            string parameter = dot < 0 ? string.Empty : tensor.Name[(dot + 1)..];
            if (!IsCanonicalIndex(index) || parameter is not ("weight" or "bias"))
            {
                throw Mismatch(network, $"tensor '{tensor.Name}' is not the weight or bias of a layer of an nn.Sequential (named like '0.weight', '0.bias', '2.weight'); pass layerNames with the module name of each Linear layer, e.g. [\"fc1\", \"fc2\"]");
            }

            int key = int.Parse(index, NumberStyles.None, CultureInfo.InvariantCulture);
            indices.TryGetValue(key, out (bool Weight, bool Bias) found);
            indices[key] = parameter == "weight" ? (true, found.Bias) : (found.Weight, true);
        }

        foreach ((int index, (bool weight, bool bias)) in indices)
        {
            if (!weight || !bias)
            {
                throw Mismatch(network, $"module {index} has a '{(weight ? "weight" : "bias")}' but no '{(weight ? "bias" : "weight")}' tensor; every layer needs both");
            }
        }

        if (indices.Count != layerCount)
        {
            string found = indices.Count == 0 ? "none" : string.Join(", ", indices.Keys);
            throw Mismatch(network, $"the file holds {indices.Count} Linear layers (modules {found}), but the network has {layerCount}");
        }

        return indices.Keys.Select(index => index.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The module names of a sequence network's layers in a file without names given: numbered modules, one per layer (<see cref="SafeTensorsHeader.IndexedModuleNames"/>).</summary>
    private static string[] ModulePrefixes(SafeTensorsHeader header, NetworkTopology topology, string network)
    {
        var layerTensors = new string[topology.LayerCount][];
        var descriptions = new string[topology.LayerCount];
        for (int layer = 0; layer < layerTensors.Length; layer++)
        {
            NetworkLayer spec = topology.Layers[layer];
            layerTensors[layer] = ParameterLayout.Of(spec.Kind, topology.LayerSizes[layer], spec.Size, spec.KernelSize).Select(tensor => tensor.Name).ToArray();
            descriptions[layer] = spec.ToString();
        }

        return SafeTensorsHeader.IndexedModuleNames(header.Tensors, layerTensors, descriptions, out string? error)
            ?? throw Mismatch(network, $"{error}; pass layerNames with the module name of each layer, e.g. [\"conv\", \"rnn\", \"head\"] for a module with attributes conv, rnn and head");
    }

    private static bool IsCanonicalIndex(string text) =>
        text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0');

    private static InvalidDataException Mismatch(string network, string reason) =>
        new($"The safetensors file does not fit the network {network}: {reason}.");

    private static string[]? LayerNames(IReadOnlyList<string>? layerNames, int layerCount, string parameterName)
    {
        if (layerNames is null)
        {
            return null;
        }

        if (layerNames.Count != layerCount)
        {
            throw new ArgumentException($"'{parameterName}' must have one name per layer ({layerCount}), but has {layerNames.Count}.", parameterName);
        }

        string[] names = layerNames.ToArray();
        if (names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException($"'{parameterName}' must hold distinct, non-empty module names.", parameterName);
        }

        return names;
    }

    private static string[] SequentialNames(int layerCount) =>
        Enumerable.Range(0, layerCount).Select(layer => (2 * layer).ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// The names Save gives the layers: <paramref name="layerNames"/>, or by default those of an <c>nn.Sequential</c> of
    /// Linear layers and activations (<c>0</c>, <c>2</c>, <c>4</c>, …) for a dense network and those of an
    /// <c>nn.ModuleList</c> of one module per layer (<c>0</c>, <c>1</c>, <c>2</c>, …) for a sequence network.
    /// </summary>
    private static string[] SaveNames(NetworkTopology topology, IReadOnlyList<string>? layerNames) =>
        LayerNames(layerNames, topology.LayerCount, nameof(layerNames))
        ?? (topology.IsSequence
            ? Enumerable.Range(0, topology.LayerCount).Select(layer => layer.ToString(CultureInfo.InvariantCulture)).ToArray()
            : SequentialNames(topology.LayerCount));

    private static byte[] ReadHeader(Stream source, int length, bool exact)
    {
        // A seekable source has been checked to hold `length` bytes, so that much can be allocated at once. Otherwise
        // the buffer grows only as data actually arrives, so a lying header length cannot make it allocate.
        byte[] header = new byte[exact ? length : Math.Min(length, ChunkLength)];
        int read = 0;
        while (read < length)
        {
            if (read == header.Length)
            {
                Array.Resize(ref header, (int)Math.Min(length, 2L * header.Length));
            }

            int count = source.Read(header, read, header.Length - read);
            if (count == 0)
            {
                throw Invalid($"the file ends inside its header ({read} of {length} bytes)");
            }

            read += count;
        }

        return header;
    }

    private static void ReadParameters<T>(Stream source, SafeTensorsHeader header, List<PlacedTensor> tensors, T[] parameters, bool seekable)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wanted = new List<PlacedTensor>(tensors);
        wanted.Sort(static (a, b) => a.Tensor.Begin.CompareTo(b.Tensor.Begin));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            long position = 0;
            foreach ((TensorEntry tensor, int offset) in wanted)
            {
                Skip(source, tensor.Begin - position, seekable, chunk);
                int elementSize = SafeTensorsHeader.ElementSize(tensor.DType);
                long remaining = tensor.Length;
                int destination = offset;
                while (remaining > 0)
                {
                    int count = (int)Math.Min(remaining, ChunkLength);
                    if (!ReadFully(source, chunk.AsSpan(0, count)))
                    {
                        throw Truncated();
                    }

                    Convert(chunk.AsSpan(0, count), tensor.DType, parameters.AsSpan(destination, count / elementSize));
                    destination += count / elementSize;
                    remaining -= count;
                }

                position = tensor.End;
            }

            if (!seekable)
            {
                Skip(source, header.DataLength - position, seekable, chunk);
                if (source.Read(chunk, 0, 1) != 0)
                {
                    throw Invalid($"the file goes on after the {header.DataLength} bytes of data its header describes");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static void Skip(Stream source, long count, bool seekable, byte[] chunk)
    {
        if (count <= 0)
        {
            return;
        }

        if (seekable)
        {
            source.Seek(count, SeekOrigin.Current);
            return;
        }

        while (count > 0)
        {
            int read = source.Read(chunk, 0, (int)Math.Min(count, chunk.Length));
            if (read == 0)
            {
                throw Truncated();
            }

            count -= read;
        }
    }

    private static InvalidDataException Truncated() => Invalid("the data is truncated");

    private static InvalidDataException Invalid(string reason) => new($"Not a valid safetensors file: {reason}.");

    /// <summary>
    /// Refuses NaN and infinite values (in the network's precision: an F64 value beyond the float range is infinite in a
    /// float network), naming the first one's tensor and index.
    /// </summary>
    private static void ThrowIfNotFinite<T>(T[] parameters, List<PlacedTensor> tensors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = GeneratedCodeHelpers.IndexOfNonFinite<T>(parameters);
        if (first < 0)
        {
            return;
        }

        int count = 0;
        foreach (T value in parameters)
        {
            count += T.IsFinite(value) ? 0 : 1;
        }

        PlacedTensor placed = tensors.Last(t => t.Offset <= first);
        (TensorEntry tensor, int index) = (placed.Tensor, first - placed.Offset);
        throw new InvalidDataException(string.Create(
            CultureInfo.InvariantCulture,
            $"Tensor '{tensor.Name}' holds a NaN or infinite value at index {index} ({double.CreateTruncating(parameters[first])} as {typeof(T).Name}), and the file holds {count} in all: a network computes NaN or infinities from them (a model that diverged in training saves such values). The network is unchanged; pass allowNonFinite: true to load them anyway."));
    }

    private static bool ReadFully(Stream source, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = source.Read(buffer);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    /// <summary>Converts little-endian values of a loadable dtype to <typeparamref name="T"/>: exact except F64 into float, which rounds to nearest.</summary>
    private static void Convert<T>(ReadOnlySpan<byte> source, TensorDType dtype, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The file's own type on a little-endian machine: the bytes are the values (a copy that does not care about alignment).
        if (BitConverter.IsLittleEndian &&
            ((dtype == TensorDType.F32 && typeof(T) == typeof(float)) || (dtype == TensorDType.F64 && typeof(T) == typeof(double))))
        {
            source[..(destination.Length * Unsafe.SizeOf<T>())].CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        switch (dtype)
        {
            case TensorDType.F32:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]));
                }

                break;
            case TensorDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]));
                }

                break;
            case TensorDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = T.CreateTruncating((float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]));
                }

                break;
            default:
                // BF16 is the upper half of a float.
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = T.CreateTruncating(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16));
                }

                break;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The temporary file stays behind; the target is unchanged either way.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
