using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// One test per SNET diagnostic: the ID, the severity, the squiggle on the offending argument, a message that says how
/// to fix it, and no cascade of compiler errors. On the Roslyn testing framework (<see cref="GeneratorTest"/>): the
/// squiggles are markup spans (<c>{|SNET0005:0|}</c>), and the framework fails on any diagnostic not declared, the
/// compiler's in the generated code included.
/// </summary>
public sealed class DiagnosticTests
{
    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.CSharp10)]
    public async Task SNET0001_an_old_language_version_is_reported_and_nothing_is_generated(LanguageVersion version)
    {
        const string Source = """
            using StaticNet;
            namespace Consumer
            {
                /// <summary>Old.</summary>
                [{|SNET0001:Network(Layers = new[] { 2, 3 })|}]
                public partial class Net { }
            }
            """;
        // C# 7.3 has no nullable reference types: the compiler rejects the project's <Nullable>enable</Nullable> too.
        DiagnosticResult[] compiler = version < LanguageVersion.CSharp8 ? [DiagnosticResult.CompilerError("CS8630")] : [];
        GeneratorTest test = await Verify(Source, generates: false, version, expected: compiler);
        Assert.Contains("C# 11", Single(test, "SNET0001").GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0001_is_not_reported_on_the_latest_language_version()
    {
        GeneratorTest test = await Verify(Sources.XorNet, generates: true, LanguageVersion.Latest);
        Assert.Single(test.GeneratedSources);
    }

    /// <summary>
    /// SNET0001's floor is C# 11, and it is the floor: at exactly C# 11 a declaration in C# 11 syntax (no collection
    /// expression, no type declaration ending in ';', which README's examples use and which need C# 12) generates code
    /// that compiles without a warning.
    /// </summary>
    [Fact]
    public async Task SNET0001_is_not_reported_on_CSharp_11_and_the_code_compiles_there()
    {
        const string Source = """
            using StaticNet;
            namespace Consumer
            {
                /// <summary>C# 11.</summary>
                [Network(Layers = new[] { 64, 64, 64, 10 }, Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
                public partial class DigitNet { }
            }
            """;
        GeneratorTest test = await Verify(Source, generates: true, LanguageVersion.CSharp11);
        Assert.Single(test.GeneratedSources);
    }

    [Fact]
    public async Task SNET0002_a_type_that_is_not_partial()
    {
        GeneratorTest test = await Verify(Declare("[Network(Layers = [2, 3])]", "public class {|SNET0002:Net|} { }"), generates: false);
        Assert.Contains("add the 'partial' modifier", Single(test, "SNET0002").GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0002_a_containing_type_that_is_not_partial()
    {
        GeneratorTest test = await Verify("""
            using StaticNet;
            /// <summary>Outer.</summary>
            public class {|SNET0002:Outer|}
            {
                /// <summary>Net.</summary>
                [Network(Layers = [2, 3])]
                public partial class Net;
            }
            """, generates: false);
        Single(test, "SNET0002");
    }

    [Fact]
    public async Task SNET0003_a_type_nested_in_a_generic_type()
    {
        GeneratorTest test = await Verify("""
            using StaticNet;
            /// <summary>Outer.</summary>
            /// <typeparam name="T">Anything.</typeparam>
            public partial class Outer<T>
            {
                /// <summary>Net.</summary>
                [Network(Layers = [2, 3])]
                public partial class {|SNET0003:Net|};
            }
            """, generates: false);
        Single(test, "SNET0003");
    }

    [Fact]
    public async Task SNET0003_a_generic_type()
    {
        GeneratorTest test = await Verify(Declare("/// <typeparam name=\"T\">Anything.</typeparam>\n[Network(Layers = [2, 3])]", "public partial class {|SNET0003:Net|}<T>;"), generates: false);
        Single(test, "SNET0003");
    }

    [Theory]
    [InlineData("[Network({|SNET0004:Layers = [3]|})]", "has 1 entry")]
    [InlineData("[Network({|SNET0004:Layers = []|})]", "has 0 entries")]
    [InlineData("[Network({|SNET0004:Layers = null!|})]", "is null")]
    [InlineData("[{|SNET0004:Network(Activation = Activation.Tanh)|}]", "is missing")]
    [InlineData("[{|SNET0004:Network|}]", "is missing")]
    public async Task SNET0004_layers_missing_or_too_short(string attribute, string found)
    {
        Diagnostic diagnostic = await AssertTopologyError(attribute, "SNET0004");
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Layers = [3, {|SNET0005:0|}, 1])]")]
    [InlineData("[Network(Layers = new[] { 3, 5, {|SNET0005:-2|} })]")]
    [InlineData("[Network(Layers = new int[] { {|SNET0005:-1|}, 5 })]")]
    public async Task SNET0005_a_layer_size_below_one(string attribute) =>
        await AssertTopologyError(attribute, "SNET0005");

    [Theory]
    [InlineData("[Network(Layers = [2, 3], Activation = Activation.Tanh, {|SNET0006:Activations = [Activation.ReLU]|})]")]
    [InlineData("[Network(Layers = [2, 3], Output = Activation.Tanh, {|SNET0006:Activations = [Activation.ReLU]|})]")]
    public async Task SNET0006_Activations_with_Activation_or_Output(string attribute) =>
        await AssertTopologyError(attribute, "SNET0006");

    [Fact]
    public async Task SNET0007_Activations_of_the_wrong_length()
    {
        Diagnostic diagnostic = await AssertTopologyError("[Network(Layers = [2, 3, 4], {|SNET0007:Activations = [Activation.ReLU]|})]", "SNET0007");
        Assert.Contains("give exactly 2 activations", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Layers = [2, 3, 4], {|SNET0008:Activation = Activation.Softmax|})]")]
    [InlineData("[Network(Layers = [2, 3, 4], Activations = [{|SNET0008:Activation.Softmax|}, Activation.Identity])]")]
    public async Task SNET0008_Softmax_on_a_hidden_layer(string attribute) =>
        await AssertTopologyError(attribute, "SNET0008");

    [Fact]
    public async Task SNET0009_CrossEntropy_without_a_Softmax_output()
    {
        Diagnostic diagnostic = await AssertTopologyError("[Network(Layers = [2, 3], Output = Activation.Sigmoid, {|SNET0009:Loss = Loss.CrossEntropy|})]", "SNET0009");
        Assert.Contains("Sigmoid", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0010_BinaryCrossEntropy_without_a_Sigmoid_output() =>
        await AssertTopologyError("[Network(Layers = [2, 3], Output = Activation.Softmax, {|SNET0010:Loss = Loss.BinaryCrossEntropy|})]", "SNET0010");

    [Theory]
    [InlineData("[Network(Layers = [2, 3], {|SNET0011:Activation = (Activation)42|})]")]
    [InlineData("[Network(Layers = [2, 3], {|SNET0011:Loss = (Loss)(-1)|})]")]
    [InlineData("[Network(Layers = [2, 3], {|SNET0011:Precision = (Precision)7|})]")]
    [InlineData("[Network(Layers = [2, 3, 1], Activations = [Activation.Tanh, {|SNET0011:(Activation)10|}])]")]
    public async Task SNET0011_an_undefined_enum_value(string attribute) =>
        await AssertTopologyError(attribute, "SNET0011");

    [Theory]
    [InlineData("[Network({|SNET0012:Layers = [100000, 100000]|})]")]
    [InlineData("[Network({|SNET0012:Layers = [1, 2000000000]|})]")]
    public async Task SNET0012_a_network_too_large_for_an_array(string attribute) =>
        await AssertTopologyError(attribute, "SNET0012");

    /// <summary>
    /// 2,147,483,590 parameters fit in an array, but not with the 64-byte alignment padding the runtime allocates around
    /// them (32 floats or 16 doubles): SNET0012, not an OutOfMemoryException at <c>new</c>. 2,147,483,548 parameters
    /// (an array of 2,147,483,580 floats) are valid.
    /// </summary>
    [Theory]
    [InlineData("Single")]
    [InlineData("Double")]
    public async Task SNET0012_counts_the_alignment_padding_of_the_parameter_array(string precision)
    {
        Diagnostic diagnostic = await AssertTopologyError($"[Network({{|SNET0012:Layers = [1, 715827863, 1]|}}, Precision = Precision.{precision})]", "SNET0012");
        Assert.Contains("2147483590 (an array of", diagnostic.GetMessage(), System.StringComparison.Ordinal);

        // The valid one: its scratch is above the stack limit (SNET0014, an info), and nothing else is reported.
        GeneratorTest test = await Verify(
            Declare($"[Network({{|#0:Layers = [1, 715827849, 1]|}}, Precision = Precision.{precision})]", "public partial class Net;"),
            generates: true,
            expected: [new DiagnosticResult("SNET0014", DiagnosticSeverity.Info).WithLocation(0)]);
        Assert.DoesNotContain(test.AllDiagnostics, d => d.Id == "SNET0012");
    }

    [Theory]
    [InlineData("public static partial class {|SNET0013:Net|};", "static")]
    [InlineData("public abstract partial class {|SNET0013:Net|};", "abstract")]
    public async Task SNET0013_a_static_or_abstract_type(string declaration, string modifier)
    {
        GeneratorTest test = await Verify(Declare("[Network(Layers = [2, 3])]", declaration), generates: false);
        Assert.Contains($"remove the '{modifier}' modifier", Single(test, "SNET0013").GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0020_a_file_local_type()
    {
        GeneratorTest test = await Verify(Declare("[Network(Layers = [2, 3])]", "file partial class {|SNET0020:Net|};"), generates: false);
        Assert.Contains("remove the 'file' modifier", Single(test, "SNET0020").GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0020_a_type_nested_in_a_file_local_type()
    {
        GeneratorTest test = await Verify(Declare("file partial class {|SNET0020:Outer|}\n{", "    [Network(Layers = [2, 3])]\n    public partial class Net;\n}"), generates: false);
        Single(test, "SNET0020");
    }

    [Theory]
    [InlineData("[Network(Layers = [2, 3], Loss = {|CS0266:2.0|})]", "CS0266")]
    [InlineData("[Network(Layers = [2, 3], Activation = {|CS0266:1|})]", "CS0266")]
    [InlineData("[Network(Layers = [2, 3], Activations = [Activation.ReLU], Activation = {|CS0266:1|})]", "CS0266")]
    [InlineData("[Network(Layers = new int[3] {|CS0847:{ 2, 3 }|})]", "CS0847")]
    [InlineData("[Network(Layers = [2, 3], Output = {|CS0037:null|})]", "CS0037")]
    [InlineData("[Network(Layers = [{|CS0220:1_000_000 * 1_000_000|}, 2])]", "CS0220")]
    [InlineData("[Network(Layers = new[] { {|CS0182:System.Environment.ProcessorCount|}, 3 })]", "CS0182")]
    [InlineData("[{|CS1729:Network(2, 3, Loss = Loss.CrossEntropy)|}]", "CS1729")]
    [InlineData("[Network({|CS1739:Layers|}: [2, 3])]", "CS1739")]
    [InlineData("[Network({|CS0246:Seed|} = 3)]", "CS0246")]
    [InlineData("[Network(Layers = [2, 3], {|CS0643:Layers = [4, 5]|}, Loss = Loss.CrossEntropy)]", "CS0643")]
    [InlineData("[Network(Layers = [2, 3{|CS1003:)|}]{|CS1003:|}{|CS1026:|}", "CS1003")]
    public async Task An_attribute_the_compiler_rejects_gets_only_the_compiler_error(string attribute, string error)
    {
        // Found by the fuzz test: Roslyn recovers values from such an attribute (2.0 read as BinaryCrossEntropy, an
        // argument left out), and SNET errors about them were noise beside the compiler's error.
        GeneratorTest test = await Verify(Declare(attribute, "public partial class Net;"), generates: false);
        Assert.Contains(test.AllDiagnostics, d => d.Id == error);
    }

    [Theory]
    [InlineData("public partial struct Net;")]
    [InlineData("public partial record struct Net;")]
    [InlineData("public partial interface INet;")]
    [InlineData("public enum Net { {|CS1591:A|} }")]
    [InlineData("public delegate void Net();")]
    public async Task Network_on_something_that_is_not_a_class_gets_only_the_compiler_error(string declaration)
    {
        // Found by the fuzz test: the analyzer called an enum or a delegate "not partial" and an interface "abstract".
        await Verify(Declare("[{|CS0592:Network|}(Layers = [2, 3])]", declaration), generates: false);
    }

    [Fact]
    public async Task A_declaration_whose_name_a_syntax_error_left_out_generates_nothing()
    {
        // Found by the fuzz test: the generated file said 'partial class  : INetwork<, float>'.
        await Verify(Declare("[Network(Layers = [2, 3])]", "public partial class{|CS1001:|}{|CS1513:|}{|CS1514:|}\n"), generates: false);
    }

    [Fact]
    public async Task A_type_named_with_a_keyword_in_a_namespace_named_with_a_keyword_gets_compiling_code()
    {
        // Found by the fuzz test: the hint name had an '@' (the generator threw, CS8785) and the code said 'class class'.
        // The names are escaped, so the compiler does not warn CS8981 (lower-case type name) either: no diagnostic at all.
        GeneratorTest test = await Verify("""
            using StaticNet;

            namespace Fuzz.@namespace;

            /// <summary>Keyword.</summary>
            [Network(Layers = [2, 3])]
            public partial class @class;

            /// <summary>Contextual keyword.</summary>
            [Network(Layers = [2, 3])]
            public partial class @record;
            """, generates: true);
        Assert.Equal(
            ["Fuzz.namespace.class.g.cs", "Fuzz.namespace.record.g.cs"],
            test.Output.SyntaxTrees.Select(t => System.IO.Path.GetFileName(t.FilePath)).Where(name => name.EndsWith(".g.cs", System.StringComparison.Ordinal)).Order().ToArray());
    }

    [Fact]
    public async Task SNET0014_scratch_above_the_stack_limit_is_an_info_and_the_code_is_generated()
    {
        GeneratorTest test = await Verify(
            Declare("[Network({|#0:Layers = [4, 20000, 3]|})]", "public partial class Net;"),
            generates: true,
            expected: [new DiagnosticResult("SNET0014", DiagnosticSeverity.Info).WithLocation(0)]);
        Assert.Contains("a buffer per thread", Single(test, "SNET0014", DiagnosticSeverity.Info).GetMessage(), System.StringComparison.Ordinal);
        // The scratch the runtime's NetworkRunner takes for Backward: above its stack limit, so it rents it (tested in AllocationTests).
        Assert.Contains("public static int TrainScratchLength => 60003;", Assert.Single(test.GeneratedSources), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowUnsafeBlocks_does_not_matter_the_same_code_and_no_diagnostic_either_way()
    {
        // The scratch is taken by the runtime library's NetworkRunner, which skips zeroing it whatever the project's settings
        // (the diagnostic SNET0015 that said otherwise is retired).
        GeneratorTest withUnsafe = await Verify(Sources.XorNet, generates: true, allowUnsafe: true);
        GeneratorTest withoutUnsafe = await Verify(Sources.XorNet, generates: true, allowUnsafe: false);
        Assert.Equal(Assert.Single(withUnsafe.GeneratedSources), Assert.Single(withoutUnsafe.GeneratedSources));
    }

    [Fact]
    public async Task A_valid_declaration_has_no_diagnostic() =>
        await Verify(Sources.T2, generates: true);

    [Fact]
    public async Task Several_errors_in_one_declaration_are_all_reported()
    {
        GeneratorTest test = await AssertTopologyErrors(
            Declare("[Network(Layers = [{|SNET0005:0|}, 3, {|SNET0005:-1|}])]", "public partial class Net;"));
        Assert.Equal(2, test.AllDiagnostics.Count(d => d.Id == "SNET0005"));
    }

    [Fact]
    public async Task A_duplicated_attribute_generates_one_file_and_only_the_compiler_error()
    {
        GeneratorTest test = await Verify("""
            using StaticNet;
            /// <summary>Net.</summary>
            [Network(Layers = [2, 3])]
            public partial class Net;
            [{|CS0579:Network|}(Layers = [2, 4])]
            public partial class Net;
            """, generates: true);
        Assert.Single(test.GeneratedSources);
    }

    [Fact]
    public async Task An_invalid_declaration_shows_one_error_and_no_cascade_in_code_that_uses_it() =>
        await AssertTopologyErrors(Sources.Invalid.Replace("[4, 0, 3]", "[4, {|SNET0005:0|}, 3]", System.StringComparison.Ordinal));

    [Theory]
    [InlineData("[Network({|SNET0022:Layers = [1, 8, 1]|}, Input = 1)]\n[Gru(8)]\n[Dense(1)]", "gives both 'Layers' and layer attributes")]
    [InlineData("[Network({|SNET0022:Layers = [1, 8, 1]|}, Input = 1)]", "gives both 'Layers' and 'Input'")]
    [InlineData("[Network(Input = 1, {|SNET0022:Activation = Activation.Tanh|})]\n[Gru(8)]\n[Dense(1)]", "gives 'Activation'")]
    [InlineData("[Network(Input = 1, {|SNET0022:Output = Activation.Tanh|})]\n[Gru(8)]\n[Dense(1)]", "gives 'Output'")]
    [InlineData("[Network(Input = 1, {|SNET0022:Activations = [Activation.Tanh]|})]\n[Gru(8)]\n[Dense(1)]", "gives 'Activations'")]
    public async Task SNET0022_layers_declared_in_both_forms(string attributes, string found)
    {
        Diagnostic diagnostic = await AssertTopologyError(attributes, "SNET0022");
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Contains("not both", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0023_layer_attributes_on_another_partial_declaration()
    {
        GeneratorTest test = await AssertTopologyErrors("""
            using StaticNet;
            namespace Consumer;
            /// <summary>Spread.</summary>
            [Network(Input = 1)]
            [Gru(8)]
            public partial class Net;
            [{|SNET0023:Dense(1)|}]
            public partial class Net;
            """);
        Assert.Contains("declare [Network] and all the layer attributes on one declaration", Single(test, "SNET0023").GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network({|SNET0024:Input = 0|})]\n[Gru(8)]", "'Input' of [Network] is 0")]
    [InlineData("[{|SNET0024:Network|}]\n[Gru(8)]", "'Input' of [Network] is missing")]
    [InlineData("[Network(Input = 1)]\n[Gru({|SNET0024:0|})]", "The size of layer 1 ([Gru]) is 0")]
    [InlineData("[Network(Input = 1)]\n[Lstm(4)]\n[Dense({|SNET0024:-3|})]", "The size of layer 2 ([Dense]) is -3")]
    [InlineData("[Network(Input = 1)]\n[{|SNET0024:Conv1D(4)|}]", "'KernelSize' of layer 1 ([Conv1D]) is missing")]
    [InlineData("[Network(Input = 1)]\n[Conv1D(4, {|SNET0024:KernelSize = 0|})]", "'KernelSize' of layer 1 ([Conv1D]) is 0")]
    [InlineData("[Network(Input = 1)]\n[Conv1D(4, KernelSize = 3, {|SNET0024:Dilation = 0|})]", "'Dilation' of layer 1 ([Conv1D]) is 0")]
    public async Task SNET0024_a_layer_argument_out_of_range(string attributes, string found)
    {
        Diagnostic diagnostic = await AssertTopologyError(attributes, "SNET0024");
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SNET0025_a_layer_attribute_without_Network()
    {
        GeneratorTest test = await Verify(Declare("[{|SNET0025:Gru(8)|}]\n[Dense(1)]", "public partial class Net;"), generates: false);
        Assert.Contains("add [Network(Input = ...)]", Single(test, "SNET0025").GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Input = 1, {|SNET0009:Loss = Loss.CrossEntropy|})]\n[Gru(8)]\n[Dense(3)]", "SNET0009")]
    [InlineData("[Network(Input = 1)]\n[Dense(3, {|SNET0008:Activation = Activation.Softmax|})]\n[Gru(8)]", "SNET0008")]
    [InlineData("[Network(Input = 1)]\n[Gru(8)]\n[Dense(3, {|SNET0011:Activation = (Activation)42|})]", "SNET0011")]
    [InlineData("[Network({|SNET0004:Input = 1|})]", "SNET0004")]
    public async Task The_layer_form_reports_the_dense_forms_diagnostics(string attributes, string id) =>
        await AssertTopologyError(attributes, id);

    [Fact]
    public async Task An_invalid_sequence_declaration_shows_one_error_and_no_cascade_in_code_that_uses_it() =>
        await AssertTopologyErrors("""
            using System;
            using StaticNet;
            namespace Consumer;
            /// <summary>Invalid.</summary>
            [Network(Input = 1)]
            [Conv1D(4, {|SNET0024:KernelSize = 0|})]
            [Gru(8)]
            [Dense(1)]
            public partial class Broken;
            /// <summary>Uses it.</summary>
            public static class User
            {
                /// <summary>Calls the sequence members.</summary>
                /// <returns>A loss.</returns>
                public static float Use()
                {
                    var net = new Broken();
                    Span<float> state = stackalloc float[Broken.StateSize + 1];
                    Span<float> y = stackalloc float[Broken.OutputSize + 1];
                    net.Step(state, [1f], y);
                    ISequenceNetwork<float> general = net;
                    general.Forward([1f], y);
                    return net.TrainStep([1f], [0f], 0.1f) + net.BackwardBatch([1f], [0f], new float[1], 1) + Broken.Topology.StateSize;
                }
            }
            """);

    [Fact]
    public void Every_descriptor_has_an_ID_a_title_and_a_message_that_says_what_to_do()
    {
        DiagnosticDescriptor[] descriptors = Repository.Descriptors;
        Assert.Equal(28, descriptors.Length);
        Assert.Equal(descriptors.Length, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(descriptors, d =>
        {
            Assert.Matches("^SNET00[0-9]{2}$", d.Id);
            Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Matches("(; |, )(set|add|use|give|declare|remove|reduce|its methods)", d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    private static string Declare(string attribute, string declaration) => $$"""
        using StaticNet;

        namespace Consumer;

        /// <summary>Declared by a test.</summary>
        {{attribute}}
        {{declaration}}
        """;

    /// <summary>
    /// Runs the generator and the analyzer on <paramref name="source"/> under the testing framework, which fails on any
    /// diagnostic that its markup and <paramref name="expected"/> do not declare, and, unless the declaration
    /// <paramref name="generates"/>, on any generated file.
    /// </summary>
    private static async Task<GeneratorTest> Verify(string source, bool generates, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = true, DiagnosticResult[]? expected = null)
    {
        var test = new GeneratorTest(source, version, allowUnsafe: allowUnsafe);
        if (generates)
        {
            test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        }

        test.ExpectedDiagnostics.AddRange(expected ?? []);
        await test.RunAsync();
        if (!generates)
        {
            Assert.Empty(test.GeneratedSources);
        }

        return test;
    }

    /// <summary>A topology error: reported with its squiggle (the markup), and the type still gets members, so nothing else is reported.</summary>
    private static async Task<Diagnostic> AssertTopologyError(string attribute, string id) =>
        Single(await AssertTopologyErrors(Declare(attribute, "public partial class Net;")), id);

    /// <summary>Topology errors, as the markup says: the type still gets members (InvalidDeclaration), so nothing else is reported.</summary>
    private static async Task<GeneratorTest> AssertTopologyErrors(string source)
    {
        GeneratorTest test = await Verify(source, generates: true);
        Assert.Contains("InvalidDeclaration", Assert.Single(test.GeneratedSources), System.StringComparison.Ordinal);
        return test;
    }

    /// <summary>The one diagnostic <paramref name="id"/> (whose location the markup checked): its severity, and it for its message.</summary>
    private static Diagnostic Single(GeneratorTest test, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        Diagnostic diagnostic = Assert.Single(test.AllDiagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource, $"{id} has no source location");
        return diagnostic;
    }
}
