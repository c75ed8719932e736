// Image references parsed like Go's distribution/reference (the normalised "docker" form):
// `[registry/]repository[:tag][@digest]`, Docker Hub by default with `library/` for one-part names.
import { OciReferenceError } from './errors.js';

export interface OciReference {
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** `library/alpine`, `stefanprodan/manifests/podinfo`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:<hex>` */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's distribution API actually answers. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const MAX_NAME_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
// host[:port] with a DNS name, IPv4 or bracketed IPv6 address.
const REGISTRY =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

/** True when the first path component names a registry rather than a Docker Hub namespace. */
function looksLikeRegistry(component: string): boolean {
  return /[.:]/.test(component) || component === 'localhost' || component.toLowerCase() !== component;
}

export function validateDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw new OciReferenceError(`invalid digest "${digest}"`);
  if (digest.startsWith('sha256:') && !SHA256_DIGEST.test(digest)) {
    throw new OciReferenceError(`invalid sha256 digest "${digest}": want 64 lower-case hex characters`);
  }
  return digest;
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) throw new OciReferenceError(`invalid tag "${tag}"`);
  return tag;
}

function splitDigest(input: string): { rest: string; digest?: string } {
  const at = input.indexOf('@');
  if (at < 0) return { rest: input };
  return { rest: input.slice(0, at), digest: validateDigest(input.slice(at + 1)) };
}

function splitTag(input: string): { name: string; tag?: string } {
  const colon = input.lastIndexOf(':');
  // A ':' before the last '/' is a registry port, not a tag.
  if (colon < 0 || colon < input.lastIndexOf('/')) return { name: input };
  return { name: input.slice(0, colon), tag: validateTag(input.slice(colon + 1)) };
}

function normaliseName(name: string, original: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  let registry = DOCKER_HUB;
  let repository = name;
  if (slash > 0 && looksLikeRegistry(name.slice(0, slash))) {
    registry = name.slice(0, slash);
    repository = name.slice(slash + 1);
  }
  if (!REGISTRY.test(registry))
    throw new OciReferenceError(`invalid registry "${registry}" in "${original}"`);
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw new OciReferenceError(
        `invalid repository "${repository}" in "${original}": components are lower-case letters, digits and single separators`,
      );
    }
  }
  if (`${registry}/${repository}`.length > MAX_NAME_LENGTH) {
    throw new OciReferenceError(`repository name "${original}" is longer than ${MAX_NAME_LENGTH} characters`);
  }
  return { registry, repository };
}

/**
 * Parses `[registry/]repository[:tag][@digest]`. `alpine` → docker.io/library/alpine;
 * `index.docker.io` is normalised to `docker.io`. Neither tag nor digest is defaulted.
 */
export function parseReference(input: string): OciReference {
  if (input === '' || /\s/.test(input)) throw new OciReferenceError(`invalid reference "${input}"`);
  if (input.includes('://')) {
    throw new OciReferenceError(`invalid reference "${input}": must not include a URL scheme`);
  }
  const { rest, digest } = splitDigest(input);
  const { name, tag } = splitTag(rest);
  const { registry, repository } = normaliseName(name, input);
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest ? { digest } : {}) };
}

/**
 * Parses an `oci://host[:port]/repo/path[:tag][@digest]` URL as Flux writes it (OCIRepository and
 * HelmRepository `spec.url`).
 */
export function parseOciUrl(url: string): OciReference {
  if (!url.startsWith('oci://')) throw new OciReferenceError(`URL "${url}" must start with oci://`);
  const rest = url.slice('oci://'.length).replace(/\/+$/, '');
  if (rest === '') throw new OciReferenceError(`URL "${url}" has no repository`);
  return parseReference(rest);
}

/** The host the distribution API is called on (Docker Hub's API lives on registry-1.docker.io). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** `registry/repository[:tag][@digest]` */
export function formatReference(reference: OciReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest ? `@${reference.digest}` : '';
  return `${reference.registry}/${reference.repository}${tag}${digest}`;
}

/** The repository part only (no tag or digest). */
export function repositoryReference(reference: OciReference): OciReference {
  return { registry: reference.registry, repository: reference.repository };
}

export function withTag(reference: OciReference, tag: string): OciReference {
  return { ...repositoryReference(reference), tag: validateTag(tag) };
}

export function withDigest(reference: OciReference, digest: string): OciReference {
  return {
    ...repositoryReference(reference),
    ...(reference.tag === undefined ? {} : { tag: reference.tag }),
    digest: validateDigest(digest),
  };
}

/** A path appended to the repository (Helm: `oci://host/charts` + `podinfo`). */
export function childReference(reference: OciReference, path: string): OciReference {
  return parseReference(`${reference.registry}/${reference.repository}/${path}`);
}

/** What a manifest request names: the digest when there is one, else the tag (default `latest`). */
export function manifestReference(reference: OciReference): string {
  return reference.digest ?? reference.tag ?? 'latest';
}
