#!/usr/bin/env bash
# Rebuilds NATS.NKeys.1.0.1.nupkg in this folder: a tiny library that stands in for the real NATS.NKeys 1.0.1, which
# our NuGet mirror does not serve (see README.md here). It declares the one type and three members NATS.Client.Core
# 3.3.2 references (KeyPair.FromSeed, Sign, GetPublicKey), each throwing NotSupportedException, so that the JIT can
# compile NATS.Client.Core's authentication code for user/password and token logins. Run it from anywhere; it builds in
# a temporary folder so the repository's Directory.Build.props (warnings as errors, API tracking) does not apply.
set -euo pipefail
feed="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/NATS.NKeys.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <!-- netstandard2.1: Span and Memory are built in, so the placeholder needs no package of its own. -->
    <TargetFramework>netstandard2.1</TargetFramework>
    <PackageId>NATS.NKeys</PackageId>
    <Version>1.0.1</Version>
    <AssemblyName>NATS.NKeys</AssemblyName>
    <Authors>Tanager contributors</Authors>
    <Description>Placeholder for NATS.NKeys 1.0.1 in Tanager's own build only. It contains no NKey code: NKey and JWT authentication throw with it. Never publish it.</Description>
    <Deterministic>true</Deterministic>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
    <IncludeSymbols>false</IncludeSymbols>
  </PropertyGroup>
</Project>
XML
cat > "$work/KeyPair.cs" <<'CS'
using System;

namespace NATS.NKeys
{
    /// <summary>
    /// Stand-in for NATS.NKeys.KeyPair with the members NATS.Client.Core 3.3.2 calls. NKey and JWT authentication need
    /// the real package; everything else never calls these.
    /// </summary>
    public sealed class KeyPair : IDisposable
    {
        private const string Message = "NKey/JWT authentication needs the real NATS.NKeys package; this build uses Tanager's placeholder (build/local-feed/README.md).";

        private KeyPair()
        {
        }

        public static KeyPair FromSeed(ReadOnlySpan<char> seed) => throw new NotSupportedException(Message);

        public void Sign(ReadOnlyMemory<byte> input, Memory<byte> signature) => throw new NotSupportedException(Message);

        public string GetPublicKey() => throw new NotSupportedException(Message);

        public void Dispose()
        {
        }
    }
}
CS
# An empty nuget.config beside the project keeps the user's sources but not the repository's source mapping.
cat > "$work/nuget.config" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<configuration />
XML
dotnet pack "$work/NATS.NKeys.csproj" -c Release -o "$work/out" -nologo -v quiet
cp "$work/out/NATS.NKeys.1.0.1.nupkg" "$feed/NATS.NKeys.1.0.1.nupkg"
echo "Wrote $feed/NATS.NKeys.1.0.1.nupkg"
