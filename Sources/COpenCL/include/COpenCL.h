// C shim over the OpenCL 1.2 API. An implementation detail of SkipConv with no stable API.
//
// The host layer targets OpenCL 1.2 so that one binary runs on the ocl-icd loader with PoCL,
// NVIDIA, AMD and Intel drivers; no call newer than 1.2 is used.
#ifndef SKIPCONV_COPENCL_H
#define SKIPCONV_COPENCL_H

#define CL_TARGET_OPENCL_VERSION 120
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>

#include <stddef.h>

/// Symbolic name of an OpenCL status code ("CL_OUT_OF_RESOURCES"), or "CL_UNKNOWN_STATUS".
const char *skipconv_cl_status_name(cl_int status);

/// Sets a kernel argument that is a `cl_mem` handle; Swift cannot take the address of an
/// optional opaque pointer in a way OpenCL accepts without this helper.
cl_int skipconv_set_mem_arg(cl_kernel kernel, cl_uint index, cl_mem memory);

#endif
