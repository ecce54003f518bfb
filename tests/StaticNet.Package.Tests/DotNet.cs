using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit.Sdk;

namespace StaticNet.Package.Tests;

/// <summary>Runs the .NET CLI (or a published program) as a child process and fails the test when it fails.</summary>
internal static class DotNet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The <c>dotnet</c> executable that runs these tests, so the nested commands use the same SDK.</summary>
    private static string Executable =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>Runs <c>dotnet ARGUMENTS</c> in <paramref name="directory"/>; returns what it printed.</summary>
    public static string Run(string directory, params string[] arguments) => Start(Executable, directory, arguments);

    /// <summary>Runs a program; returns what it printed.</summary>
    public static string Start(string fileName, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The outer `dotnet test` leaves MSBuild and test-platform settings in the environment; a nested build must not
        // inherit them (they would point it at the outer build's nodes, SDK resolver state or logger).
        foreach (string name in start.Environment.Keys.Where(IsInheritedBuildSetting).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"`{Describe(fileName, arguments)}` did not finish in {Timeout.TotalMinutes} minutes:\n{output}");
        }

        process.WaitForExit(); // Drains the redirected output.
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (process.ExitCode != 0)
        {
            throw new XunitException($"`{Describe(fileName, arguments)}` in {directory} exited with {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s:\n{text}");
        }

        return text;
    }

    private static bool IsInheritedBuildSetting(string name) =>
        name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) ||
        name is "DOTNET_HOST_PATH" or "DOTNET_CLI_UI_LANGUAGE";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { Path.GetFileName(fileName) }.Concat(arguments));
}
