using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// One test per SNET diagnostic: the ID, the severity, the squiggle on the offending argument, a message that says how
/// to fix it, and no cascade of compiler errors.
/// </summary>
public sealed class DiagnosticTests
{
    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.CSharp10)]
    public void SNET0001_an_old_language_version_is_reported_and_nothing_is_generated(LanguageVersion version)
    {
        const string Source = """
            using StaticNet;
            namespace Consumer
            {
                /// <summary>Old.</summary>
                [Network(Layers = new[] { 2, 3 })]
                public partial class Net { }
            }
            """;
        GeneratorResult result = GeneratorHarness.Run(Source, version);
        Assert.Empty(result.Sources);
        Diagnostic diagnostic = AssertSingle(result, "SNET0001", "Network(Layers = new[] { 2, 3 })");
        Assert.Contains("C# 11", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0001_is_not_reported_on_the_latest_language_version()
    {
        GeneratorResult result = GeneratorHarness.Run(Sources.XorNet, LanguageVersion.Latest);
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "SNET0001");
        Assert.Single(result.Sources);
    }

    /// <summary>
    /// SNET0001's floor is C# 11, and it is the floor: at exactly C# 11 a declaration in C# 11 syntax (no collection
    /// expression, no type declaration ending in ';', which README's examples use and which need C# 12) generates code
    /// that compiles without a warning.
    /// </summary>
    [Fact]
    public void SNET0001_is_not_reported_on_CSharp_11_and_the_code_compiles_there()
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
        GeneratorResult result = GeneratorHarness.Run(Source, LanguageVersion.CSharp11);
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "SNET0001");
        Assert.Single(result.Sources);
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics());
    }

    [Fact]
    public void SNET0002_a_type_that_is_not_partial()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", "public class Net { }"));
        Assert.Empty(result.Sources);
        Diagnostic diagnostic = AssertSingle(result, "SNET0002", "Net");
        Assert.Contains("add the 'partial' modifier", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0002_a_containing_type_that_is_not_partial()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            /// <summary>Outer.</summary>
            public class Outer
            {
                /// <summary>Net.</summary>
                [Network(Layers = [2, 3])]
                public partial class Net;
            }
            """);
        Assert.Empty(result.Sources);
        AssertSingle(result, "SNET0002", "Outer");
    }

    [Fact]
    public void SNET0003_a_type_nested_in_a_generic_type()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            /// <summary>Outer.</summary>
            /// <typeparam name="T">Anything.</typeparam>
            public partial class Outer<T>
            {
                /// <summary>Net.</summary>
                [Network(Layers = [2, 3])]
                public partial class Net;
            }
            """);
        Assert.Empty(result.Sources);
        AssertSingle(result, "SNET0003", "Net");
    }

    [Fact]
    public void SNET0003_a_generic_type()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", "/// <typeparam name=\"T\">Anything.</typeparam>\npublic partial class Net<T>;"));
        Assert.Empty(result.Sources);
        AssertSingle(result, "SNET0003", "Net");
    }

    [Theory]
    [InlineData("[Network(Layers = [3])]", "Layers = [3]", "has 1 entry")]
    [InlineData("[Network(Layers = [])]", "Layers = []", "has 0 entries")]
    [InlineData("[Network(Layers = null!)]", "Layers = null!", "is null")]
    [InlineData("[Network(Activation = Activation.Tanh)]", "Network(Activation = Activation.Tanh)", "is missing")]
    [InlineData("[Network]", "Network", "is missing")]
    public void SNET0004_layers_missing_or_too_short(string attribute, string squiggle, string found)
    {
        Diagnostic diagnostic = AssertTopologyError(attribute, "SNET0004", squiggle);
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Layers = [3, 0, 1])]", "0")]
    [InlineData("[Network(Layers = new[] { 3, 5, -2 })]", "-2")]
    [InlineData("[Network(Layers = new int[] { -1, 5 })]", "-1")]
    public void SNET0005_a_layer_size_below_one(string attribute, string squiggle) =>
        AssertTopologyError(attribute, "SNET0005", squiggle);

    [Theory]
    [InlineData("[Network(Layers = [2, 3], Activation = Activation.Tanh, Activations = [Activation.ReLU])]")]
    [InlineData("[Network(Layers = [2, 3], Output = Activation.Tanh, Activations = [Activation.ReLU])]")]
    public void SNET0006_Activations_with_Activation_or_Output(string attribute) =>
        AssertTopologyError(attribute, "SNET0006", "Activations = [Activation.ReLU]");

    [Fact]
    public void SNET0007_Activations_of_the_wrong_length()
    {
        Diagnostic diagnostic = AssertTopologyError("[Network(Layers = [2, 3, 4], Activations = [Activation.ReLU])]", "SNET0007", "Activations = [Activation.ReLU]");
        Assert.Contains("give exactly 2 activations", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Layers = [2, 3, 4], Activation = Activation.Softmax)]", "Activation = Activation.Softmax")]
    [InlineData("[Network(Layers = [2, 3, 4], Activations = [Activation.Softmax, Activation.Identity])]", "Activation.Softmax")]
    public void SNET0008_Softmax_on_a_hidden_layer(string attribute, string squiggle) =>
        AssertTopologyError(attribute, "SNET0008", squiggle);

    [Fact]
    public void SNET0009_CrossEntropy_without_a_Softmax_output()
    {
        Diagnostic diagnostic = AssertTopologyError("[Network(Layers = [2, 3], Output = Activation.Sigmoid, Loss = Loss.CrossEntropy)]", "SNET0009", "Loss = Loss.CrossEntropy");
        Assert.Contains("Sigmoid", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0010_BinaryCrossEntropy_without_a_Sigmoid_output() =>
        AssertTopologyError("[Network(Layers = [2, 3], Output = Activation.Softmax, Loss = Loss.BinaryCrossEntropy)]", "SNET0010", "Loss = Loss.BinaryCrossEntropy");

    [Theory]
    [InlineData("[Network(Layers = [2, 3], Activation = (Activation)42)]", "Activation = (Activation)42")]
    [InlineData("[Network(Layers = [2, 3], Loss = (Loss)(-1))]", "Loss = (Loss)(-1)")]
    [InlineData("[Network(Layers = [2, 3], Precision = (Precision)7)]", "Precision = (Precision)7")]
    [InlineData("[Network(Layers = [2, 3, 1], Activations = [Activation.Tanh, (Activation)10])]", "(Activation)10")]
    public void SNET0011_an_undefined_enum_value(string attribute, string squiggle) =>
        AssertTopologyError(attribute, "SNET0011", squiggle);

    [Theory]
    [InlineData("[Network(Layers = [100000, 100000])]")]
    [InlineData("[Network(Layers = [1, 2000000000])]")]
    public void SNET0012_a_network_too_large_for_an_array(string attribute)
    {
        string squiggle = attribute[9..^2];
        AssertTopologyError(attribute, "SNET0012", squiggle);
    }

    /// <summary>
    /// 2,147,483,590 parameters fit in an array, but not with the 64-byte alignment padding the runtime allocates around
    /// them (32 floats or 16 doubles): SNET0012, not an OutOfMemoryException at <c>new</c>. 2,147,483,548 parameters
    /// (an array of 2,147,483,580 floats) are valid.
    /// </summary>
    [Theory]
    [InlineData("Single")]
    [InlineData("Double")]
    public void SNET0012_counts_the_alignment_padding_of_the_parameter_array(string precision)
    {
        Diagnostic diagnostic = AssertTopologyError($"[Network(Layers = [1, 715827863, 1], Precision = Precision.{precision})]", "SNET0012", "Layers = [1, 715827863, 1]");
        Assert.Contains("2147483590 (an array of", diagnostic.GetMessage(), System.StringComparison.Ordinal);

        GeneratorResult result = GeneratorHarness.Run(Declare($"[Network(Layers = [1, 715827849, 1], Precision = Precision.{precision})]", "public partial class Net;"));
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "SNET0012");
    }

    [Theory]
    [InlineData("public static partial class Net;", "static")]
    [InlineData("public abstract partial class Net;", "abstract")]
    public void SNET0013_a_static_or_abstract_type(string declaration, string modifier)
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", declaration));
        Assert.Empty(result.Sources);
        Diagnostic diagnostic = AssertSingle(result, "SNET0013", "Net");
        Assert.Contains($"remove the '{modifier}' modifier", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0020_a_file_local_type()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", "file partial class Net;"));
        Assert.Empty(result.Sources);
        Diagnostic diagnostic = AssertSingle(result, "SNET0020", "Net");
        Assert.Contains("remove the 'file' modifier", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0020_a_type_nested_in_a_file_local_type()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("file partial class Outer\n{", "    [Network(Layers = [2, 3])]\n    public partial class Net;\n}"));
        Assert.Empty(result.Sources);
        AssertSingle(result, "SNET0020", "Outer");
    }

    [Theory]
    [InlineData("[Network(Layers = [2, 3], Loss = 2.0)]", "CS0266")]
    [InlineData("[Network(Layers = [2, 3], Activation = 1)]", "CS0266")]
    [InlineData("[Network(Layers = [2, 3], Activations = [Activation.ReLU], Activation = 1)]", "CS0266")]
    [InlineData("[Network(Layers = new int[3] { 2, 3 })]", "CS0847")]
    [InlineData("[Network(Layers = [2, 3], Output = null)]", "CS0037")]
    [InlineData("[Network(Layers = [1_000_000 * 1_000_000, 2])]", "CS0220")]
    [InlineData("[Network(Layers = new[] { System.Environment.ProcessorCount, 3 })]", "CS0182")]
    [InlineData("[Network(2, 3, Loss = Loss.CrossEntropy)]", "CS1729")]
    [InlineData("[Network(Layers: [2, 3])]", "CS1739")]
    [InlineData("[Network(Seed = 3)]", "CS0246")]
    [InlineData("[Network(Layers = [2, 3], Layers = [4, 5], Loss = Loss.CrossEntropy)]", "CS0643")]
    [InlineData("[Network(Layers = [2, 3)]", "CS1003")]
    public void An_attribute_the_compiler_rejects_gets_only_the_compiler_error(string attribute, string error)
    {
        // Found by the fuzz test: Roslyn recovers values from such an attribute (2.0 read as BinaryCrossEntropy, an
        // argument left out), and SNET errors about them were noise beside the compiler's error.
        GeneratorResult result = GeneratorHarness.Run(Declare(attribute, "public partial class Net;"));
        Assert.Empty(result.Sources);
        Assert.Contains(result.AllDiagnostics, d => d.Id == error);
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id.StartsWith("SNET", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("public partial struct Net;")]
    [InlineData("public partial record struct Net;")]
    [InlineData("public partial interface INet;")]
    [InlineData("public enum Net { A }")]
    [InlineData("public delegate void Net();")]
    public void Network_on_something_that_is_not_a_class_gets_only_the_compiler_error(string declaration)
    {
        // Found by the fuzz test: the analyzer called an enum or a delegate "not partial" and an interface "abstract".
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", declaration));
        Assert.Empty(result.Sources);
        Assert.Contains(result.AllDiagnostics, d => d.Id == "CS0592");
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id.StartsWith("SNET", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_declaration_whose_name_a_syntax_error_left_out_generates_nothing()
    {
        // Found by the fuzz test: the generated file said 'partial class  : INetwork<, float>'.
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [2, 3])]", "public partial class\n"));
        Assert.Empty(result.Sources);
        Assert.Contains(result.AllDiagnostics, d => d.Id == "CS1001");
    }

    [Fact]
    public void A_type_named_with_a_keyword_in_a_namespace_named_with_a_keyword_gets_compiling_code()
    {
        // Found by the fuzz test: the hint name had an '@' (the generator threw, CS8785) and the code said 'class class'.
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;

            namespace Fuzz.@namespace;

            /// <summary>Keyword.</summary>
            [Network(Layers = [2, 3])]
            public partial class @class;

            /// <summary>Contextual keyword.</summary>
            [Network(Layers = [2, 3])]
            public partial class @record;
            """);
        Assert.Equal(["Fuzz.namespace.class.g.cs", "Fuzz.namespace.record.g.cs"], result.Sources.Select(s => s.HintName).Order().ToArray());
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics().Where(d => d.Id != "CS8981").ToImmutableArray());
    }

    [Fact]
    public void SNET0014_scratch_above_the_stack_limit_is_an_info_and_the_code_is_generated()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [4, 20000, 3])]", "public partial class Net;"));
        Diagnostic diagnostic = AssertSingle(result, "SNET0014", "Layers = [4, 20000, 3]", DiagnosticSeverity.Info);
        Assert.Contains("ArrayPool", diagnostic.GetMessage(), System.StringComparison.Ordinal);
        // The scratch the runtime's NetworkRunner takes for Backward: above its stack limit, so it rents it (tested in AllocationTests).
        Assert.Contains("public static int TrainScratchLength => 60003;", result.Source, System.StringComparison.Ordinal);
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics());
    }

    [Fact]
    public void AllowUnsafeBlocks_does_not_matter_the_same_code_and_no_diagnostic_either_way()
    {
        // The scratch is taken by the runtime library's NetworkRunner, which skips zeroing it whatever the project's settings
        // (the diagnostic SNET0015 that said otherwise is retired).
        GeneratorResult withUnsafe = GeneratorHarness.Run(Sources.XorNet, allowUnsafe: true);
        GeneratorResult withoutUnsafe = GeneratorHarness.Run(Sources.XorNet, allowUnsafe: false);
        Assert.Equal(withUnsafe.Source, withoutUnsafe.Source);
        Assert.DoesNotContain(withoutUnsafe.AllDiagnostics, d => d.Id.StartsWith("SNET", System.StringComparison.Ordinal));
        CompileTests.AssertNoWarnings(withoutUnsafe.Output.GetDiagnostics());
    }

    [Fact]
    public void A_valid_declaration_has_no_diagnostic()
    {
        Assert.Empty(GeneratorHarness.Run(Sources.T2).AllDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));
    }

    [Fact]
    public void Several_errors_in_one_declaration_are_all_reported()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Network(Layers = [0, 3, -1])]", "public partial class Net;"));
        Assert.Equal(2, result.AllDiagnostics.Count(d => d.Id == "SNET0005"));
    }

    [Fact]
    public void A_duplicated_attribute_generates_one_file_and_only_the_compiler_error()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            /// <summary>Net.</summary>
            [Network(Layers = [2, 3])]
            public partial class Net;
            [Network(Layers = [2, 4])]
            public partial class Net;
            """);
        Assert.Single(result.Sources);
        Assert.Equal(["CS0579"], result.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct());
    }

    [Fact]
    public void An_invalid_declaration_shows_one_error_and_no_cascade_in_code_that_uses_it()
    {
        GeneratorResult result = GeneratorHarness.Run(Sources.Invalid);
        Assert.Equal(["SNET0005"], result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id));
    }

    [Theory]
    [InlineData("[Network(Layers = [1, 8, 1], Input = 1)]\n[Gru(8)]\n[Dense(1)]", "Layers = [1, 8, 1]", "gives both 'Layers' and layer attributes")]
    [InlineData("[Network(Layers = [1, 8, 1], Input = 1)]", "Layers = [1, 8, 1]", "gives both 'Layers' and 'Input'")]
    [InlineData("[Network(Input = 1, Activation = Activation.Tanh)]\n[Gru(8)]\n[Dense(1)]", "Activation = Activation.Tanh", "gives 'Activation'")]
    [InlineData("[Network(Input = 1, Output = Activation.Tanh)]\n[Gru(8)]\n[Dense(1)]", "Output = Activation.Tanh", "gives 'Output'")]
    [InlineData("[Network(Input = 1, Activations = [Activation.Tanh])]\n[Gru(8)]\n[Dense(1)]", "Activations = [Activation.Tanh]", "gives 'Activations'")]
    public void SNET0022_layers_declared_in_both_forms(string attributes, string squiggle, string found)
    {
        Diagnostic diagnostic = AssertTopologyError(attributes, "SNET0022", squiggle);
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Contains("not both", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0023_layer_attributes_on_another_partial_declaration()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            namespace Consumer;
            /// <summary>Spread.</summary>
            [Network(Input = 1)]
            [Gru(8)]
            public partial class Net;
            [Dense(1)]
            public partial class Net;
            """);
        Diagnostic diagnostic = AssertSingle(result, "SNET0023", "Dense(1)");
        Assert.Contains("declare [Network] and all the layer attributes on one declaration", diagnostic.GetMessage(), System.StringComparison.Ordinal);
        Assert.Contains("InvalidDeclaration", result.Source, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Input = 0)]\n[Gru(8)]", "Input = 0", "'Input' of [Network] is 0")]
    [InlineData("[Network]\n[Gru(8)]", "Network", "'Input' of [Network] is missing")]
    [InlineData("[Network(Input = 1)]\n[Gru(0)]", "0", "The size of layer 1 ([Gru]) is 0")]
    [InlineData("[Network(Input = 1)]\n[Lstm(4)]\n[Dense(-3)]", "-3", "The size of layer 2 ([Dense]) is -3")]
    [InlineData("[Network(Input = 1)]\n[Conv1D(4)]", "Conv1D(4)", "'KernelSize' of layer 1 ([Conv1D]) is missing")]
    [InlineData("[Network(Input = 1)]\n[Conv1D(4, KernelSize = 0)]", "KernelSize = 0", "'KernelSize' of layer 1 ([Conv1D]) is 0")]
    [InlineData("[Network(Input = 1)]\n[Conv1D(4, KernelSize = 3, Dilation = 0)]", "Dilation = 0", "'Dilation' of layer 1 ([Conv1D]) is 0")]
    public void SNET0024_a_layer_argument_out_of_range(string attributes, string squiggle, string found)
    {
        Diagnostic diagnostic = AssertTopologyError(attributes, "SNET0024", squiggle);
        Assert.Contains(found, diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0025_a_layer_attribute_without_Network()
    {
        GeneratorResult result = GeneratorHarness.Run(Declare("[Gru(8)]\n[Dense(1)]", "public partial class Net;"));
        Assert.Empty(result.Sources);
        Diagnostic diagnostic = AssertSingle(result, "SNET0025", "Gru(8)");
        Assert.Contains("add [Network(Input = ...)]", diagnostic.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Network(Input = 1, Loss = Loss.CrossEntropy)]\n[Gru(8)]\n[Dense(3)]", "SNET0009")]
    [InlineData("[Network(Input = 1)]\n[Dense(3, Activation = Activation.Softmax)]\n[Gru(8)]", "SNET0008")]
    [InlineData("[Network(Input = 1)]\n[Gru(8)]\n[Dense(3, Activation = (Activation)42)]", "SNET0011")]
    [InlineData("[Network(Input = 1)]", "SNET0004")]
    public void The_layer_form_reports_the_dense_forms_diagnostics(string attributes, string id)
    {
        GeneratorResult result = GeneratorHarness.Run(Declare(attributes, "public partial class Net;"));
        Assert.Single(result.AllDiagnostics, d => d.Id == id && d.Location.IsInSource);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != id));
    }

    [Fact]
    public void An_invalid_sequence_declaration_shows_one_error_and_no_cascade_in_code_that_uses_it()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using System;
            using StaticNet;
            namespace Consumer;
            /// <summary>Invalid.</summary>
            [Network(Input = 1)]
            [Conv1D(4, KernelSize = 0)]
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
        Assert.Equal(["SNET0024"], result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id));
    }

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

    /// <summary>A topology error: reported with its squiggle, and the type still gets members, so nothing else is reported.</summary>
    private static Diagnostic AssertTopologyError(string attribute, string id, string squiggle)
    {
        GeneratorResult result = GeneratorHarness.Run(Declare(attribute, "public partial class Net;"));
        Diagnostic diagnostic = AssertSingle(result, id, squiggle);
        Assert.Contains("InvalidDeclaration", result.Source, System.StringComparison.Ordinal);
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != id));
        return diagnostic;
    }

    private static Diagnostic AssertSingle(GeneratorResult result, string id, string squiggle, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource, $"{id} has no source location");
        Assert.Equal(squiggle, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        return diagnostic;
    }
}
