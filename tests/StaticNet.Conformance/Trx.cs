using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace StaticNet.Conformance;

/// <summary>
/// Writes the outcomes as a Visual Studio test results (TRX) file, the format `dotnet test --logger trx` writes: one unit
/// test per network and check, and the counters that .ci/run adds up.
/// </summary>
internal static class Trx
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private const string UnitTestType = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b";
    private const string ResultsNotInAList = "8c84fa94-04c1-424b-9868-57a2d4851a1d";
    private const string AllLoadedResults = "19431567-8539-422a-85d7-44ee4e166bda";

    public static void Write(string path, string runName, IReadOnlyList<Outcome> outcomes, DateTimeOffset start, DateTimeOffset finish)
    {
        string Time(DateTimeOffset t) => t.ToString("o", CultureInfo.InvariantCulture);
        string storage = Environment.ProcessPath ?? "StaticNet.Conformance";
        var tests = outcomes.Select(o => (Outcome: o, TestId: Guid.NewGuid().ToString(), ExecutionId: Guid.NewGuid().ToString(), Name: $"{runName}: {o.Network} {o.Check}")).ToArray();
        int passed = outcomes.Count(o => o.Passed);
        int failed = outcomes.Count - passed;

        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(Ns + "TestRun",
                new XAttribute("id", Guid.NewGuid().ToString()),
                new XAttribute("name", $"StaticNet conformance {runName} {Time(start)}"),
                new XElement(Ns + "Times",
                    new XAttribute("creation", Time(start)), new XAttribute("queuing", Time(start)),
                    new XAttribute("start", Time(start)), new XAttribute("finish", Time(finish))),
                new XElement(Ns + "Results", tests.Select(t =>
                    new XElement(Ns + "UnitTestResult",
                        new XAttribute("executionId", t.ExecutionId),
                        new XAttribute("testId", t.TestId),
                        new XAttribute("testName", t.Name),
                        new XAttribute("computerName", Environment.MachineName),
                        new XAttribute("duration", t.Outcome.Duration.ToString("c", CultureInfo.InvariantCulture)),
                        new XAttribute("startTime", Time(start)),
                        new XAttribute("endTime", Time(finish)),
                        new XAttribute("testType", UnitTestType),
                        new XAttribute("outcome", t.Outcome.Passed ? "Passed" : "Failed"),
                        new XAttribute("testListId", ResultsNotInAList),
                        new XAttribute("relativeResultsDirectory", t.ExecutionId),
                        t.Outcome.Passed
                            ? null
                            : new XElement(Ns + "Output", new XElement(Ns + "ErrorInfo", new XElement(Ns + "Message", string.Join('\n', t.Outcome.Failures))))))),
                new XElement(Ns + "TestDefinitions", tests.Select(t =>
                    new XElement(Ns + "UnitTest",
                        new XAttribute("name", t.Name),
                        new XAttribute("storage", storage),
                        new XAttribute("id", t.TestId),
                        new XElement(Ns + "Execution", new XAttribute("id", t.ExecutionId)),
                        new XElement(Ns + "TestMethod",
                            new XAttribute("codeBase", storage),
                            new XAttribute("adapterTypeName", "executor://staticnet-conformance"),
                            new XAttribute("className", $"StaticNet.Conformance.{t.Outcome.Network}"),
                            new XAttribute("name", t.Outcome.Check))))),
                new XElement(Ns + "TestEntries", tests.Select(t =>
                    new XElement(Ns + "TestEntry",
                        new XAttribute("testId", t.TestId),
                        new XAttribute("executionId", t.ExecutionId),
                        new XAttribute("testListId", ResultsNotInAList)))),
                new XElement(Ns + "TestLists",
                    new XElement(Ns + "TestList", new XAttribute("name", "Results Not in a List"), new XAttribute("id", ResultsNotInAList)),
                    new XElement(Ns + "TestList", new XAttribute("name", "All Loaded Results"), new XAttribute("id", AllLoadedResults))),
                new XElement(Ns + "ResultSummary",
                    new XAttribute("outcome", failed == 0 ? "Completed" : "Failed"),
                    new XElement(Ns + "Counters",
                        new XAttribute("total", outcomes.Count), new XAttribute("executed", outcomes.Count),
                        new XAttribute("passed", passed), new XAttribute("failed", failed),
                        new XAttribute("error", 0), new XAttribute("timeout", 0), new XAttribute("aborted", 0),
                        new XAttribute("inconclusive", 0), new XAttribute("passedButRunAborted", 0), new XAttribute("notRunnable", 0),
                        new XAttribute("notExecuted", 0), new XAttribute("disconnected", 0), new XAttribute("warning", 0),
                        new XAttribute("completed", 0), new XAttribute("inProgress", 0), new XAttribute("pending", 0)))));
        document.Save(path);
    }
}
