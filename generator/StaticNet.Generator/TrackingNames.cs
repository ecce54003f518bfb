namespace StaticNet.Generator;

/// <summary>Names of the incremental pipeline's steps, so tests can assert on how each step ran.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Spec = nameof(Spec);
    public const string Plan = nameof(Plan);
    public const string WeightsFile = nameof(WeightsFile);
    public const string WeightsFiles = nameof(WeightsFiles);
    public const string Weights = nameof(Weights);
    public const string WeightsRequest = nameof(WeightsRequest);
    public const string WeightsDiagnostics = nameof(WeightsDiagnostics);
}
