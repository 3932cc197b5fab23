"""A class using the field types testobjects.py leaves out, for goslo's
differential test (objects/kitchen_test.go declares the same class in Go).
Registered next to the conformance classes, in namespace goslo."""

from oslo_versionedobjects import fields

import testobjects


@testobjects.GosloObjectRegistry.register
class Kitchen(testobjects.GosloObject):
    VERSION = '1.0'

    fields = {
        'ipv6': fields.IPV6AddressField(nullable=True),
        'v46': fields.IPV4AndV6AddressField(nullable=True),
        'net': fields.IPNetworkField(nullable=True),
        'net4': fields.IPV4NetworkField(nullable=True),
        'net6': fields.IPV6NetworkField(nullable=True),
        'mac': fields.MACAddressField(nullable=True),
        'nni': fields.NonNegativeIntegerField(nullable=True),
        'nnf': fields.NonNegativeFloatField(nullable=True),
        'flex': fields.FlexibleBooleanField(nullable=True),
        'secret': fields.SensitiveStringField(nullable=True),
        'ints': fields.ListOfIntegersField(nullable=True),
        'floats': fields.Field(fields.List(fields.Float()), nullable=True),
        'bools': fields.Field(fields.List(fields.Boolean()), nullable=True),
        'dates': fields.Field(fields.List(fields.DateTime()), nullable=True),
        'nstrs': fields.Field(fields.List(fields.String(), nullable=True), nullable=True),
        'dictints': fields.DictOfIntegersField(nullable=True),
        'dictlists': fields.DictOfListOfStringsField(nullable=True),
        'setstr': fields.Field(fields.Set(fields.String()), nullable=True),
        'setfloat': fields.Field(fields.Set(fields.Float()), nullable=True),
        'setdt': fields.Field(fields.Set(fields.DateTime()), nullable=True),
        'setip': fields.Field(fields.Set(fields.IPAddress()), nullable=True),
        'listsets': fields.ListOfSetsOfIntegersField(nullable=True),
        'ldicts': fields.ListOfDictOfNullableStringsField(nullable=True),
        'enums': fields.ListOfEnumField(['a', 'b', 'c'], nullable=True),
        'uuids': fields.ListOfUUIDField(nullable=True),
        'child': fields.ObjectField('Kitchen', nullable=True),
        'children': fields.ListOfObjectsField('Kitchen', nullable=True),
    }

    obj_relationships = {'child': [('1.0', '1.0')], 'children': [('1.0', '1.0')]}
