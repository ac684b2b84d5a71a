using System.IO.Pipelines;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// The upgraded HTTP/1.1 connection's opaque stream as a pipe pair. The reader waits for data with a zero-byte read
/// before renting a buffer, so an idle connection holds no read buffer (otherwise 4 KiB each for as long as it is idle);
/// the writer is <see cref="UpgradedStreamWriter"/>: one stream write per flush, nothing held between flushes.
/// </summary>
internal sealed class StreamDuplexPipe(Stream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
    public PipeWriter Output { get; } = new UpgradedStreamWriter(stream);
}
