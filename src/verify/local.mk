# src/verify — `verify`: compares two conversion outputs by decoded content.
librobocache_a_SOURCES += \
	src/verify/rc_verify.h src/verify/rc_verify.c src/verify/verify_int.h \
	src/verify/verify_value.c
