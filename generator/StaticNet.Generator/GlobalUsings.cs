// The enums and facts written once for the runtime library and the generator (linked from src/StaticNet, compiled here
// into this namespace; see src/StaticNet/Activation.cs).
global using StaticNet.Generator.Shared;
