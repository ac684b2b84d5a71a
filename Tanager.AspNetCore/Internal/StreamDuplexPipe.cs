using System.IO.Pipelines;

namespace Tanager.AspNetCore.Internal;

/// <summary>The upgraded HTTP/1.1 connection's opaque stream as a pipe pair.</summary>
internal sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
}
