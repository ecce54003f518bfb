using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Compares generated text with a checked-in <c>Snapshots/NAME.verified.cs</c>. On a mismatch it writes
/// <c>NAME.received.cs</c> beside it and fails; with <c>STATICNET_ACCEPT_SNAPSHOTS=1</c> it accepts the new text instead.
/// A snapshot is reviewed like code: accept only after reading the difference.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "STATICNET_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs");
        string received = Path.Combine(directory, name + ".received.cs");
        string text = Scrub(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verified, text);
            File.Delete(received);
            return;
        }

        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == text)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, text);
        throw new XunitException(expected is null
            ? $"No snapshot {verified}; the generated text is in {received}. Review it, then accept it with {AcceptVariable}=1."
            : $"The generated text differs from {verified} {FirstDifference(expected, text)}; it is in {received}. Review the difference, then fix the code or accept it with {AcceptVariable}=1.");
    }

    /// <summary>Replaces what changes with every release (the generator version) and normalises line ends.</summary>
    private static string Scrub(string text) =>
        GeneratedCodeVersion().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "GeneratedCode(\"StaticNet.Generator\", \"%VERSION%\")");

    private static string FirstDifference(string expected, string actual)
    {
        string[] left = expected.Split('\n'), right = actual.Split('\n');
        for (int i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            string a = i < left.Length ? left[i] : "<end of file>", b = i < right.Length ? right[i] : "<end of file>";
            if (a != b)
            {
                return $"at line {i + 1}:\n  verified: {a.Trim()}\n  received: {b.Trim()}\n";
            }
        }

        return string.Empty;
    }

    [GeneratedRegex("GeneratedCode\\(\"StaticNet\\.Generator\", \"[^\"]*\"\\)")]
    private static partial Regex GeneratedCodeVersion();
}
