using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Linq;

namespace StaticNet.Conformance;

/// <summary>
/// Every result of a run by name, to compare a run on one machine (or vector width) with a run on another. A text file:
/// a first line "# label", then one line per result, "name&lt;TAB&gt;v0 v1 ..." with round-trip (R) invariant numbers.
/// </summary>
internal sealed class ResultFile
{
    private readonly Dictionary<string, double[]> _values = new(StringComparer.Ordinal);

    public ResultFile(string label, string? path = null)
    {
        Label = label;
        Path = path ?? "(not saved)";
    }

    /// <summary>The run that wrote the results, e.g. "x64 (JIT) Vector<float>.Count=8".</summary>
    public string Label { get; }

    /// <summary>The run's name: the label up to its first colon, e.g. "x64".</summary>
    public string Name => Label.Split(':')[0];

    public string Path { get; }

    public int Count => _values.Count;

    public void Add(string name, double[] values)
    {
        if (!_values.TryAdd(name, values))
        {
            throw new InvalidOperationException($"result \"{name}\" recorded twice");
        }
    }

    public bool TryGet(string name, [NotNullWhen(true)] out double[]? values) => _values.TryGetValue(name, out values);

    public void Save(string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine($"# {Label}");
        foreach ((string name, double[] values) in _values)
        {
            writer.Write(name);
            writer.Write('\t');
            writer.WriteLine(string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
    }

    public static ResultFile Load(string path)
    {
        using var reader = new StreamReader(path);
        string header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty");
        if (!header.StartsWith("# ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} does not start with \"# label\"");
        }

        var file = new ResultFile(header[2..], path);
        while (reader.ReadLine() is { } line)
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                throw new InvalidDataException($"{path}: no tab in \"{line[..Math.Min(line.Length, 80)]}\"");
            }

            string values = line[(tab + 1)..];
            file.Add(line[..tab], values.Length == 0 ? [] : values.Split(' ').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray());
        }

        return file;
    }
}
