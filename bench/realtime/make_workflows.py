#!/usr/bin/env python3
"""Writes the n8n workflow bench/realtime.sh measures (from ../shared/peers/n8n/make_workflows.py, which also
writes a respond-immediately variant): workflow-lastnode.json, POST /webhook/contact-sync -> map 13 fields ->
POST to the sink, respond with the sink's answer.
Usage: make_workflows.py sinkPort outDir"""
import json, sys, os
sink_port = int(sys.argv[1])
out_dir = sys.argv[2]

def f(i, name, expr, typ='string'):
    return {'id': f'a{i:02d}', 'name': name, 'value': '=' + expr, 'type': typ}

B = '$json.body'
C = '$json.body.contact'
assignments = [
    f(1, 'ExternalId', '{{ %s.id }}' % C),
    f(2, 'Email', '{{ %s.email }}' % C),
    f(3, 'FirstName', '{{ %s.first_name }}' % C),
    f(4, 'LastName', '{{ %s.last_name }}' % C),
    f(5, 'FullName', "{{ %s.first_name + ' ' + %s.last_name }}" % (C, C)),
    f(6, 'Phone', '{{ %s.phone }}' % C),
    f(7, 'Company', '{{ %s.company }}' % C),
    f(8, 'Title', '{{ %s.job_title }}' % C),
    f(9, 'BirthDate', "{{ DateTime.fromISO(%s.birth_date).toFormat('MM/dd/yyyy') }}" % C),
    f(10, 'LastModified', "{{ DateTime.fromISO(%s.occurred_at, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm:ss') }}" % B),
    f(11, 'City', '{{ %s.address.city }}' % C),
    f(12, 'Country', '{{ %s.address.country }}' % C),
    f(13, 'LeadSource', '{{ %s.source }}' % B),
]

def workflow(wid, name, path, mode, webhook_uuid):
    wh_params = {'httpMethod': 'POST', 'path': path, 'responseMode': mode, 'options': {}}
    if mode == 'lastNode':
        wh_params['responseData'] = 'firstEntryJson'
    return {
        'id': wid, 'name': name, 'active': False,
        'settings': {'executionOrder': 'v1'},
        'nodes': [
            {'id': '0b6f0f0e-0000-4000-8000-000000000001', 'name': 'Webhook', 'type': 'n8n-nodes-base.webhook',
             'typeVersion': 2, 'position': [0, 0], 'webhookId': webhook_uuid, 'parameters': wh_params},
            {'id': '0b6f0f0e-0000-4000-8000-000000000002', 'name': 'Map Fields', 'type': 'n8n-nodes-base.set',
             'typeVersion': 3.4, 'position': [220, 0],
             'parameters': {'mode': 'manual', 'assignments': {'assignments': assignments},
                            'includeOtherFields': False, 'options': {}}},
            {'id': '0b6f0f0e-0000-4000-8000-000000000003', 'name': 'POST to CRM', 'type': 'n8n-nodes-base.httpRequest',
             'typeVersion': 4.2, 'position': [440, 0],
             'parameters': {'method': 'POST', 'url': f'http://127.0.0.1:{sink_port}/crm/contacts',
                            'sendBody': True, 'contentType': 'json', 'specifyBody': 'json',
                            'jsonBody': '={{ $json }}', 'options': {}}},
        ],
        'connections': {
            'Webhook': {'main': [[{'node': 'Map Fields', 'type': 'main', 'index': 0}]]},
            'Map Fields': {'main': [[{'node': 'POST to CRM', 'type': 'main', 'index': 0}]]},
        },
        'pinData': {},
    }

json.dump(workflow('CrmSyncLastNode1', 'CRM contact sync (respond after last node)', 'contact-sync', 'lastNode',
                   '5f1c2b9e-2222-4a51-9d6a-0c2f6a1e0002'),
          open(os.path.join(out_dir, 'workflow-lastnode.json'), 'w'), indent=2)
