import type { FastifyInstance } from 'fastify';
import { CONTAINER_FORMATS, DISK_FORMATS } from '../records.js';

const readOnly = (type: unknown, description: string) => ({ type, readOnly: true, description });
const nullableString = (max: number, description: string) => ({ type: ['null', 'string'], maxLength: max, description });

/** The image schema Glance serves, trimmed to the properties this simulation has. */
export const IMAGE_SCHEMA = {
  name: 'image',
  properties: {
    id: { type: 'string', pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$', description: 'An identifier for the image' },
    name: nullableString(255, 'Descriptive name for the image'),
    status: readOnly('string', 'Status of the image'),
    visibility: { type: 'string', enum: ['community', 'public', 'private', 'shared'], description: 'Scope of image accessibility' },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: readOnly(['null', 'string'], 'md5 hash of image contents.'),
    os_hash_algo: readOnly(['null', 'string'], 'Algorithm to calculate the os_hash_value'),
    os_hash_value: readOnly(['null', 'string'], 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo'),
    owner: nullableString(255, 'Owner of the image'),
    size: readOnly(['null', 'integer'], 'Size of image file in bytes'),
    virtual_size: readOnly(['null', 'integer'], 'Virtual size of image in bytes'),
    container_format: { type: ['null', 'string'], enum: [null, ...CONTAINER_FORMATS], description: 'Format of the container' },
    disk_format: { type: ['null', 'string'], enum: [null, ...DISK_FORMATS], description: 'Format of the disk' },
    created_at: readOnly('string', 'Date and time of image registration'),
    updated_at: readOnly('string', 'Date and time of the last image modification'),
    tags: { type: 'array', items: { type: 'string', maxLength: 255 }, description: 'List of strings related to the image' },
    direct_url: readOnly('string', 'URL to access the image file kept in external store'),
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: readOnly('string', 'An image self url'),
    file: readOnly('string', 'An image file url'),
    schema: readOnly('string', 'An image schema url'),
  },
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

const MEMBER_SCHEMA = {
  name: 'member',
  properties: {
    image_id: { type: 'string', description: 'An identifier for the image' },
    member_id: { type: 'string', description: 'An identifier for the image member (tenantId)' },
    status: { type: 'string', enum: ['pending', 'accepted', 'rejected'], description: 'The status of this image member' },
    created_at: { type: 'string', description: 'Date and time of image member creation' },
    updated_at: { type: 'string', description: 'Date and time of last modification of image member' },
    schema: { type: 'string', readOnly: true },
  },
};

/** /v2/schemas/image(s) and member(s), which clients fetch to learn the attributes. */
export function registerSchemaRoutes(app: FastifyInstance): void {
  app.get('/v2/schemas/image', async () => IMAGE_SCHEMA);
  app.get('/v2/schemas/member', async () => MEMBER_SCHEMA);
  app.get('/v2/schemas/members', async () => ({
    name: 'members',
    properties: { members: { type: 'array', items: MEMBER_SCHEMA }, schema: { type: 'string' } },
    links: [{ rel: 'describedby', href: '{schema}' }],
  }));
  app.get('/v2/schemas/images', async () => ({
    name: 'images',
    properties: {
      images: { type: 'array', items: IMAGE_SCHEMA },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }));
}
