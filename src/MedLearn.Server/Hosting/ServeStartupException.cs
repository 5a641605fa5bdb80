namespace MedLearn.Server.Hosting;

/// <summary>The service refuses to start with these settings (e.g. a non-loopback address without an API key).</summary>
public sealed class ServeStartupException(string message, Exception? inner = null) : Exception(message, inner);
