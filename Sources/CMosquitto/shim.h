#pragma once
// libmosquitto (Debian: libmosquitto-dev). Every function imports as is; error codes arrive as
// `mosq_err_t` values (compare `.rawValue`), MQTT 5 reason codes come from mqtt_protocol.h.
#include <mosquitto.h>
#include <mqtt_protocol.h>
