using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator;
using StaticNet.Generator.Planning;
using StaticNet.Roslyn;
using StaticNet.Tests;
using Xunit.Sdk;

namespace StaticNet.Correctness.Tests;

/// <summary>A network for the in-memory compiler: a class name and what its [Network] attribute says.</summary>
public sealed record NetworkDeclaration(string Name, int[] Layers, Activation[] Activations, Loss Loss, Precision Precision)
{
    public bool IsDouble => Precision == Precision.Double;

    public int InputSize => Layers[0];

    public int OutputSize => Layers[^1];

    public ReferenceNetwork Reference { get; } = new(Layers, Activations, Loss);

    /// <summary>The declaration as C# source: one partial class with its attribute.</summary>
    public string Source =>
        $"[Network(Layers = [{string.Join(", ", Layers)}], Activations = [{string.Join(", ", Activations.Select(a => "Activation." + a))}], " +
        $"Loss = Loss.{Loss}, Precision = Precision.{Precision})]\npublic partial class {Name};\n";

    public override string ToString() =>
        $"{Name}: {string.Join(" -> ", Layers)}, {string.Join("/", Activations)}, {Loss}, {(IsDouble ? "double" : "float")}";
}

/// <summary>
/// Runs the real generator in memory on many declarations at once (one compilation, one class per network), compiles
/// the result and loads it into a collectible <see cref="AssemblyLoadContext"/>. The runtime library is not loaded
/// again: the compiled networks implement the very <see cref="INetwork{T}"/> the tests cast to.
/// </summary>
public sealed class CompiledNetworks : IDisposable
{
    private readonly NetworkLoadContext _context;
    private readonly Dictionary<string, Type> _types;

    private CompiledNetworks(NetworkLoadContext context, Dictionary<string, Type> types, Dictionary<string, string[]> kernelShapes, TimeSpan elapsed)
    {
        _context = context;
        _types = types;
        KernelShapes = kernelShapes;
        Elapsed = elapsed;
    }

    /// <summary>
    /// Per network, the kernel shape of each layer: the widest width its kernels run at, the widest vector its inputs fill
    /// but for the smallest 512-bit layers (<see cref="KernelShape"/>; <c>scalar</c>: fewer inputs than a 128-bit vector
    /// holds; <c>128</c>, <c>256</c>, <c>512</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string[]> KernelShapes { get; }

    /// <summary>The time taken to generate, compile, emit and load.</summary>
    public TimeSpan Elapsed { get; }

    public Type this[string name] => _types[name];

    /// <summary>Generates and compiles every declaration; fails on any generator or compiler diagnostic of warning level or above.</summary>
    public static CompiledNetworks Compile(IReadOnlyCollection<NetworkDeclaration> declarations, string assemblyName) =>
        Compile(declarations.Select(d => (d.Name, d.Source)).ToArray(), assemblyName);

    /// <summary>
    /// Generates and compiles every declaration, each a class <c>Name</c> declared by <c>Source</c> (its attributes and
    /// <c>public partial class Name;</c>); fails on any generator or compiler diagnostic of warning level or above.
    /// </summary>
    public static CompiledNetworks Compile(IReadOnlyCollection<(string Name, string Source)> declarations, string assemblyName)
    {
        var stopwatch = Stopwatch.StartNew();
        (Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics, GeneratorRunResult run) = Generate(declarations, assemblyName, TargetFramework.Net10);

        var kernelShapes = run.TrackedSteps[TrackingNames.Plan]
            .SelectMany(step => step.Outputs)
            .Select(step => (NetworkPlan)step.Value)
            .ToDictionary(plan => plan.Type.Target.Name, plan => plan.Layers.Select(layer => KernelShape(layer.Inputs, layer.Outputs, plan.Precision == StaticNet.Generator.Shared.Precision.Double)).ToArray(), StringComparer.Ordinal);

        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = output.Emit(image);
        AssertClean(declarations.Count, emitted.Success, generatorDiagnostics.Concat(emitted.Diagnostics), TargetFramework.Net10);

        image.Position = 0;
        var context = new NetworkLoadContext(assemblyName);
        Assembly assembly = context.LoadFromStream(image);
        var types = declarations.ToDictionary(d => d.Name, d => assembly.GetType("Generated." + d.Name, throwOnError: true)!, StringComparer.Ordinal);
        return new CompiledNetworks(context, types, kernelShapes, stopwatch.Elapsed);
    }

    /// <summary>
    /// Generates the declarations' code and compiles it against <paramref name="framework"/>'s reference assemblies
    /// without emitting or loading it; fails on any generator or compiler diagnostic of warning level or above.
    /// </summary>
    public static void Check(IReadOnlyCollection<(string Name, string Source)> declarations, string assemblyName, TargetFramework framework)
    {
        (Compilation output, ImmutableArray<Diagnostic> generatorDiagnostics, _) = Generate(declarations, assemblyName, framework);
        ImmutableArray<Diagnostic> diagnostics = output.GetDiagnostics();
        AssertClean(declarations.Count, !diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error), generatorDiagnostics.Concat(diagnostics), framework);
    }

    /// <summary>One compilation of every declaration (a class per network) for <paramref name="framework"/>, with the generated code.</summary>
    private static (Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorRunResult Run) Generate(
        IReadOnlyCollection<(string Name, string Source)> declarations, string assemblyName, TargetFramework framework)
    {
        var source = new StringBuilder("using StaticNet;\n\nnamespace Generated;\n\n");
        foreach ((string _, string text) in declarations)
        {
            source.Append(text).Append('\n');
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.None, preprocessorSymbols: framework.PreprocessorSymbols);
        CSharpCompilation compilation = CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source.ToString(), parseOptions, path: "Networks.cs")],
            framework.References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null)
        {
            throw new XunitException($"The generator threw: {run.Exception}");
        }

        return (output, generatorDiagnostics, run);
    }

    private static void AssertClean(int count, bool success, IEnumerable<Diagnostic> diagnostics, TargetFramework framework)
    {
        Diagnostic[] problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (!success || problems.Length > 0)
        {
            throw new XunitException($"The generated code of {count} networks did not compile cleanly against {framework}:\n" + string.Join("\n", problems.Take(20)));
        }
    }

    /// <summary>Drives the compiled network <paramref name="declaration"/> in doubles, with parameters initialised from seed 0.</summary>
    public NetworkAdapter Create(NetworkDeclaration declaration)
    {
        object network = Activator.CreateInstance(this[declaration.Name], 0)!;
        return declaration.IsDouble
            ? new NetworkAdapter<double>((INetwork<double>)network, declaration.OutputSize)
            : new NetworkAdapter<float>((INetwork<float>)network, declaration.OutputSize);
    }

    public void Dispose() => _context.Unload();

    /// <summary>
    /// The widest vector a layer's inputs fill (the dense kernels' width, as Dense&lt;T&gt; picks it on a machine that has
    /// it), but 256 bits for a layer of one 512-bit vector of inputs and at most one of outputs (Dense&lt;T&gt;.Wide).
    /// </summary>
    public static string KernelShape(int inputs, int outputs, bool isDouble)
    {
        int floats = isDouble ? 2 * inputs : inputs;
        int outputFloats = isDouble ? 2 * outputs : outputs;
        return floats > 16 || (floats == 16 && outputFloats > 16) ? "512" : floats >= 8 ? "256" : floats >= 4 ? "128" : "scalar";
    }

    /// <summary>Loads the compiled networks; the runtime library resolves to the copy the tests already use.</summary>
    private sealed class NetworkLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        private static readonly Assembly Runtime = typeof(NetworkAttribute).Assembly;

        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == Runtime.GetName().Name ? Runtime : null;
    }
}
