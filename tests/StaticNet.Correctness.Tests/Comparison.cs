using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using StaticNet.Tests;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StaticNet.Correctness.Tests;

/// <summary>
/// Compares the results of many networks with their expectations at one tolerance, recording the largest error of
/// each quantity and every failure (rather than stopping at the first), and writes a summary of the errors seen.
/// </summary>
/// <param name="title">What is compared with what, for the summary.</param>
/// <param name="tolerance">The relative tolerance (see <see cref="Tolerance.RelativeError"/> for the measure).</param>
public sealed class Comparison(string title, double tolerance)
{
    private readonly Dictionary<string, Worst> _worst = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly HashSet<string> _networks = new(StringComparer.Ordinal);
    private long _values;

    /// <summary>The largest error seen, in the measure of <see cref="Tolerance.RelativeError"/>.</summary>
    public double LargestError => _worst.Values.Select(w => w.Error).DefaultIfEmpty(0).Max();

    public int Networks => _networks.Count;

    /// <summary>The relative tolerance of every check.</summary>
    public double RelativeTolerance => tolerance;

    public void Check(object network, string quantity, double expected, double actual) => Check(network, quantity, [expected], [actual]);

    public void Check(object network, string quantity, double[] expected, double[] actual)
    {
        string name = network.ToString()!;
        _networks.Add(name);
        _values += expected.Length;
        double error = Tolerance.RelativeError(expected, actual);
        if (!_worst.TryGetValue(quantity, out Worst? worst) || error > worst.Error)
        {
            _worst[quantity] = new Worst(error, name);
        }

        if (!(error <= tolerance))
        {
            try
            {
                Tolerance.AssertClose(expected, actual, tolerance, quantity);
                _failures.Add($"{name}: {quantity}: error {error:G3}");
            }
            catch (XunitException exception)
            {
                _failures.Add($"{name}: {exception.Message}");
            }
        }
    }

    /// <summary>Records a failure that is not a numerical comparison (an exact equality, an exception).</summary>
    public void Fail(object network, string message) => _failures.Add($"{network}: {message}");

    /// <summary>The summary: per quantity, the largest error and the network where it was seen.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {Networks} networks, {_values} values compared, tolerance {tolerance:G3}.");
        text.AppendLine("Error measure: max |expected - actual| / (|expected| + max(1, max |expected|) / 10), per vector.");
        foreach ((string quantity, Worst worst) in _worst.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {quantity,-40} largest error {worst.Error,10:G3}  ({worst.Network})");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-40} largest error {LargestError,10:G3}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{_failures.Count} failures.");
        return text.ToString();
    }

    /// <summary>
    /// Writes the summaries to the test output and to correctness/<paramref name="fileName"/> beside the test assembly,
    /// then fails with every failure, if any.
    /// </summary>
    public static void Report(ITestOutputHelper output, string fileName, params Comparison[] comparisons)
    {
        string summary = string.Join(Environment.NewLine, comparisons.Select(c => c.Summary()));
        output.WriteLine(summary);
        string directory = Path.Combine(AppContext.BaseDirectory, "correctness");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, fileName), summary);
        string[] failures = comparisons.SelectMany(c => c._failures).ToArray();
        if (failures.Length > 0)
        {
            throw new XunitException($"{failures.Length} failures:\n{string.Join("\n", failures.Take(40))}\n\n{summary}");
        }
    }

    private sealed record Worst(double Error, string Network);
}
